package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One node's real pipeline behind {@code EmbeddedChannel}s, for measuring the WebSocket upgrade outside a test
 * (the {@code UpgradeBenchmark} in {@code loadtest}): {@link #connect} builds a connection's pipeline as the
 * node's initializer does, {@link #upgrade} sends it an upgrade request (a browser's, or
 * {@code bench connect}'s without {@code Origin}) and reads the 101.
 *
 * <p>Not thread-safe: one rig per benchmark thread; {@link #close} stops the node's scheduler.
 */
public final class UpgradeRig implements AutoCloseable {

    /** The request line and headers of a plain upgrade on {@code /ws}, as {@code bench connect} sends them. */
    private static final String HEAD = "GET /ws HTTP/1.1\r\nHost: localhost:8080\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static final byte[] WITHOUT_ORIGIN = (HEAD + "\r\n").getBytes(StandardCharsets.US_ASCII);
    /** The same with the same-origin {@code Origin} a browser adds. */
    private static final byte[] WITH_ORIGIN = (HEAD + "Origin: http://localhost:8080\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final TestNode node;
    private final GatewayChannelInitializer initializer;

    private UpgradeRig(Map<String, String> env) {
        this.node = TestNode.create(env);
        this.initializer = node.initializer();
    }

    /** A rig on the bundled defaults plus the given {@code CRIER_*} overrides. */
    public static UpgradeRig create(Map<String, String> env) {
        return new UpgradeRig(env);
    }

    /** A new connection whose pipeline the node's initializer has built. */
    public EmbeddedChannel connect() {
        return new EmbeddedChannel(initializer);
    }

    /**
     * Sends the upgrade request to {@code channel}, with a browser's {@code Origin} header or without one, and
     * releases what it answered; returns the status code of the answer (101 when the upgrade went through), or -1
     * when there was none.
     */
    public int upgrade(EmbeddedChannel channel, boolean origin) {
        channel.writeInbound(Unpooled.wrappedBuffer(origin ? WITH_ORIGIN : WITHOUT_ORIGIN));
        int status = -1;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            if (status == -1 && bytes.readableBytes() >= 12) {
                status = (bytes.getByte(9) - '0') * 100 + (bytes.getByte(10) - '0') * 10 + (bytes.getByte(11) - '0');
            }
            bytes.release();
        }
        return status;
    }

    @Override
    public void close() {
        node.close();
    }
}
