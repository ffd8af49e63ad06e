package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Publisher} against a real redis-server, with a {@link RedisBroker} standing in for a gateway node. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublisherIT {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    private static final HistoryOptions KEEP_100 = new HistoryOptions(100, Duration.ofMinutes(5));

    private final PublicationCodec codec = new PublicationCodec();

    @Test
    void publishesToATopicWithoutHistoryAsAPlainPublication() throws Exception {
        RecordingListener received = new RecordingListener();
        String news = "news." + UUID.randomUUID();
        try (RedisBroker node = subscribedNode(received, news);
                Publisher publisher = Publisher.connect(REDIS.server().uri(), "crier:")) {
            long nodes = publisher.publish(news, "{\"headline\":\"hi\"}");

            assertEquals(1, nodes);
            assertEquals("{\"data\":{\"headline\":\"hi\"}}", received.next().text());
        }
    }

    @Test
    void publishesToATopicWithHistoryAndReturnsEachPosition() throws Exception {
        RecordingListener received = new RecordingListener();
        String chat = "chat:lobby." + UUID.randomUUID();
        try (RedisBroker node = subscribedNode(received, chat);
                Publisher publisher = Publisher.connect(REDIS.server().uri(), "crier:")) {
            StreamPosition first = publisher.publish(chat, "{\"text\":\"one\"}", KEEP_100);
            StreamPosition second = publisher.publish(chat, "\"two\"", KEEP_100);

            assertEquals(1, first.offset());
            assertEquals(new StreamPosition(2, first.epoch()), second);
            ChannelMessage.Publication one = (ChannelMessage.Publication) codec.decode(received.next().payload());
            assertEquals(new Position(1, first.epoch()), one.position());
            assertEquals("{\"text\":\"one\"}", one.data().text());
            assertEquals("{\"offset\":2,\"epoch\":\"" + first.epoch() + "\",\"data\":\"two\"}", received.next().text());
        }
    }

    @Test
    void rejectsAnInvalidTopicOrInvalidJsonBeforeSendingAnything() throws Exception {
        try (Publisher publisher = Publisher.connect(REDIS.server().uri(), "crier:")) {
            assertThrows(IllegalArgumentException.class, () -> publisher.publish("no spaces", "1"));
            assertThrows(IllegalArgumentException.class, () -> publisher.publish("", "1", KEEP_100));
            assertThrows(IllegalArgumentException.class, () -> publisher.publish("news", "{\"a\":1,\"a\":2}"));
            assertThrows(IllegalArgumentException.class, () -> publisher.publish("news", "not json", KEEP_100));
            assertThrows(IllegalArgumentException.class, () -> publisher.publish("news", "{} {}"));
        }
    }

    @Test
    void failsToConnectWithBrokerUnavailableWhenNothingListens() throws Exception {
        String uri;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            uri = "redis://127.0.0.1:" + free.getLocalPort();
        }

        assertThrows(BrokerUnavailableException.class, () -> Publisher.connect(uri, "crier:"));
    }

    @Test
    void failsPublishWithBrokerUnavailableAfterClose() {
        Publisher publisher = Publisher.connect(REDIS.server().uri(), "crier:");
        publisher.close();
        publisher.close();

        assertThrows(BrokerUnavailableException.class, () -> publisher.publish("news", "1"));
        assertThrows(BrokerUnavailableException.class, () -> publisher.publish("news", "1", KEEP_100));
    }

    private RedisBroker subscribedNode(RecordingListener received, String topic) throws Exception {
        RedisBroker node = new RedisBroker(REDIS.link(RedisBrokerIT.config(REDIS.server().uri(), "crier:", 10_000)));
        try {
            node.start(received).toCompletableFuture().get(10, TimeUnit.SECONDS);
            node.subscribe(topic).toCompletableFuture().get(10, TimeUnit.SECONDS);
            return node;
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }
}
