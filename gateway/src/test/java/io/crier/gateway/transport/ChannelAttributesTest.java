package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.limits.ConnectionLimiter;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelAttributesTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void askingForFactsNobodyWroteAddsNoAttributeToTheChannel() {
        assertEquals("embedded", ChannelAttributes.clientIp(channel));
        assertNull(ChannelAttributes.closingReason(channel));

        assertFalse(channel.hasAttr(ChannelAttributes.PROXIED_CLIENT));
        assertFalse(channel.hasAttr(ChannelAttributes.CONNECTION));
    }

    @Test
    void readsTheFactsOnceWritten() {
        channel.attr(ChannelAttributes.PROXIED_CLIENT).set(new InetSocketAddress("192.0.2.7", 4000));

        assertTrue(ChannelAttributes.claimClose(channel, "first"));
        assertFalse(ChannelAttributes.claimClose(channel, "second"));

        assertEquals("192.0.2.7", ChannelAttributes.clientIp(channel));
        assertEquals("first", ChannelAttributes.closingReason(channel));
    }

    @Test
    void anAdmittedConnectionsClientIpIsTheOneItsLeaseCountsAgainst() {
        Connection.of(channel).admitted(new ConnectionLimiter(10, 10, 10).admit("198.51.100.4").lease());

        assertEquals("198.51.100.4", ChannelAttributes.clientIp(channel));
    }

    @Test
    void aChannelIdPrintsItsShortText() {
        // The lifecycle log lines are given the id itself and print it only when a line is let through.
        DefaultChannelId id = DefaultChannelId.newInstance();

        assertEquals(id.asShortText(), id.toString());
        assertEquals(channel.id().asShortText(), channel.id().toString());
    }
}
