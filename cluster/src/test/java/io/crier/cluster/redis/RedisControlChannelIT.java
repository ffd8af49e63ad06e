package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlChannelContract;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control channel contract on {@link RedisControlChannel} against a real redis-server, plus what only a fleet
 * shows: two nodes hear each other, and a node whose subscription was killed says it resubscribed (so that it
 * reloads what it may have missed).
 */
class RedisControlChannelIT extends ControlChannelContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    private String prefix;

    @BeforeEach
    void pickPrefix() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @Override
    protected ControlChannel newChannel() {
        return new RedisControlChannel(REDIS.link(prefix));
    }

    @Test
    void everyNodeHearsWhatAnyNodeSends() throws Exception {
        ControlChannel a = channel();
        ControlChannel b = channel();
        Heard onA = new Heard();
        Heard onB = new Heard();
        a.start(onA);
        b.start(onB);
        onA.awaitResubscribed();
        onB.awaitResubscribed();

        complete(b.send(bytes("from b")));

        assertArrayEquals(bytes("from b"), onA.next());
        assertArrayEquals(bytes("from b"), onB.next());
    }

    @Test
    void theChannelIsOutsideTheTopicsAndAKilledSubscriptionComesBackAndSaysSo() throws Exception {
        assertEquals(prefix.substring(0, prefix.length() - 1) + ".control", RedisControlChannel.channelName(prefix));
        ControlChannel channel = channel();
        Heard heard = new Heard();
        channel.start(heard);
        heard.awaitResubscribed();

        REDIS.server().cli("CLIENT", "KILL", "TYPE", "pubsub");

        heard.awaitResubscribed();
        complete(channel.send(bytes("after")));
        assertArrayEquals(bytes("after"), heard.next());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
