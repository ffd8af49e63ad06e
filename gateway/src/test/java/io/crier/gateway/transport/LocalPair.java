package io.crier.gateway.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connected pair of in-JVM channels on a real event loop, for tests that need one (an {@code EmbeddedChannel}
 * runs tasks its own way): the server side counts the flushes that reach it, the client side adds up the bytes
 * it reads (a local channel may hand several writes over as one buffer) and releases them. Closed with the group.
 */
final class LocalPair {

    private LocalPair() {
    }

    /** Opens a pair on {@code group}; returns the server side. */
    static Channel open(EventLoopGroup group, AtomicInteger flushes, AtomicLong received) throws Exception {
        LocalAddress address = new LocalAddress("crier-test-" + UUID.randomUUID());
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        new ServerBootstrap().group(group).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel channel) {
                        channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                            @Override
                            public void flush(ChannelHandlerContext ctx) {
                                flushes.incrementAndGet();
                                ctx.flush();
                            }
                        });
                        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                accepted.complete(ctx.channel());
                                ctx.fireChannelActive();
                            }
                        });
                    }
                }).bind(address).sync();
        new Bootstrap().group(group).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.addAndGet(((ByteBuf) msg).readableBytes());
                ReferenceCountUtil.release(msg);
            }
        }).connect(address).sync();
        return accepted.get(10, TimeUnit.SECONDS);
    }
}
