package io.crier.loadtest.yardstick;

import com.auth0.jwt.exceptions.JWTVerificationException;
import io.crier.protocol.CloseCode;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Inbound;
import io.crier.protocol.Malformed;
import io.crier.protocol.Push;
import io.crier.protocol.Reply;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * One yardstick connection: answers {@code auth} (HS256 verified) with {@code welcome} and {@code ok}, and
 * {@code subscribe} with {@code ok} once Redis confirmed the topic's channel, exactly as the gateway's replies
 * read; registers the connection in its loop's {@link TopicTable}. Anything else gets an error reply.
 * Made per connection; runs on its event loop.
 */
final class YardstickSessionHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

    private final YardstickNode node;
    private ChannelHandlerContext encoder;
    private String user;
    private String topic;

    YardstickSessionHandler(YardstickNode node) {
        this.node = node;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            encoder = ctx.pipeline().context(WebSocketFrameEncoder.class);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        Inbound inbound = node.codec().decode(ByteBufUtil.getBytes(frame.content()));
        if (inbound instanceof Command.Auth auth) {
            authenticate(ctx, auth);
        } else if (inbound instanceof Command.Subscribe subscribe) {
            subscribe(ctx, subscribe);
        } else if (inbound instanceof Command.Ping ping) {
            reply(ctx, new Reply.Ok(ping.id()));
        } else if (inbound instanceof Command command) {
            reply(ctx, new Reply.Error(command.id(), ErrorCode.NOT_AVAILABLE, "not in the yardstick"));
        } else {
            Malformed bad = (Malformed) inbound;
            reply(ctx, new Reply.Error(bad.id(), bad.code(), bad.message()));
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Command.Auth auth) {
        if (user != null || auth.token() == null) {
            reply(ctx, new Reply.Error(auth.id(), ErrorCode.INVALID_TOKEN, "one auth with a token"));
            return;
        }
        try {
            user = node.verifier().verify(auth.token()).getSubject();
        } catch (JWTVerificationException e) {
            // A client's mistake: close as the gateway does, without logging it.
            byte[] push = node.codec().encode(new Push.Disconnect(CloseCode.INVALID_TOKEN));
            ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(push)));
            ctx.writeAndFlush(new CloseWebSocketFrame(CloseCode.INVALID_TOKEN.code(), CloseCode.INVALID_TOKEN.reason()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        byte[] welcome = node.codec().encode(new Push.Welcome(node.nextSessionId(), node.id(), user, 25));
        ctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(welcome)));
        reply(ctx, new Reply.Ok(auth.id()));
    }

    private void subscribe(ChannelHandlerContext ctx, Command.Subscribe subscribe) {
        CommandId id = subscribe.id();
        if (user == null) {
            reply(ctx, new Reply.Error(id, ErrorCode.NOT_AUTHENTICATED, "auth first"));
            return;
        }
        if (topic != null || encoder == null) {
            reply(ctx, new Reply.Error(id, ErrorCode.TOO_MANY_TOPICS, "one topic per yardstick connection"));
            return;
        }
        topic = subscribe.topic();
        node.table(ctx.executor()).add(topic, encoder);
        node.feed().subscribe(topic).whenComplete((done, failure) -> ctx.executor().execute(() -> reply(ctx,
                failure == null ? new Reply.Ok(id) : new Reply.Error(id, ErrorCode.UNAVAILABLE, "redis"))));
    }

    private void reply(ChannelHandlerContext ctx, Reply reply) {
        ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(node.codec().encode(reply))));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (topic != null) {
            node.table(ctx.executor()).remove(topic, encoder);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A connection reset by a client that went away is routine under load: close, count nothing more.
        ctx.close();
    }
}
