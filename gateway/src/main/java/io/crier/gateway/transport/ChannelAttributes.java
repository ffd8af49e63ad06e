package io.crier.gateway.transport;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The per-connection facts that more than one handler needs, kept as channel attributes so that handlers
 * stay independent of each other's instances; each attribute has one writer, and readers do not add an attribute
 * that was never written. Constants only; attributes themselves are thread-safe.
 */
final class ChannelAttributes {

    /** The connection's phase and the facts of its upgrade and authentication ({@link Connection#of}). */
    static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf(ChannelAttributes.class, "connection");

    /**
     * The client's address as a trusted load balancer's PROXY protocol header gave it; absent when the header
     * carried none (a health check) or the protocol is off: then the client is the TCP peer.
     */
    static final AttributeKey<InetSocketAddress> PROXIED_CLIENT =
            AttributeKey.valueOf(ChannelAttributes.class, "proxiedClient");

    private ChannelAttributes() {
    }

    /**
     * Whether {@code reason} is the first close reason recorded for {@code channel} (atomic); the reason is a fact of
     * its {@link Connection}.
     */
    static boolean claimClose(Channel channel, String reason) {
        return Connection.of(channel).claimClose(reason);
    }

    /**
     * The client's IP address: from the PROXY protocol header when a trusted load balancer sent one, else the TCP
     * peer's. Worked out once per connection: an admitted connection's is the one its lease counts against.
     */
    static String clientIp(Channel channel) {
        Connection connection = peek(channel, CONNECTION);
        String admitted = connection == null ? null : connection.admittedIp();
        if (admitted != null) {
            return admitted;
        }
        SocketAddress address = peek(channel, PROXIED_CLIENT);
        if (address == null) {
            address = channel.remoteAddress();
        }
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    /** Why the server closes {@code channel} ({@link Connection#closingReason}), or null; adds no attribute. */
    static String closingReason(Channel channel) {
        Connection connection = peek(channel, CONNECTION);
        return connection == null ? null : connection.closingReason();
    }

    /**
     * The value of {@code key} on {@code channel}, or null, without making the attribute: {@code Channel.attr} adds
     * one (24 bytes, and a copy of the channel's attribute array) to every channel that is merely asked.
     */
    private static <T> T peek(Channel channel, AttributeKey<T> key) {
        return channel.hasAttr(key) ? channel.attr(key).get() : null;
    }
}
