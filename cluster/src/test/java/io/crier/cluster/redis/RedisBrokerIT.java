package io.crier.cluster.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import io.crier.cluster.BrokerState;
import io.crier.cluster.RecordingListener.Publication;
import io.crier.cluster.RecordingListener;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker contract on {@link RedisBroker} against a real redis-server, plus what only Redis does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisBrokerIT extends BrokerContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    @Override
    protected Broker newBroker() {
        return new RedisBroker(REDIS.link(config(REDIS.server().uri(), "crier:", 10_000)));
    }

    /** A config for tests: fast reconnects, so that outages in tests are short. */
    static RedisConfig config(String uri, String prefix, int requestQueueSize) {
        return config(uri, "auto", prefix, requestQueueSize);
    }

    /** The same in {@code redis.mode} {@code mode}. */
    static RedisConfig config(String uri, String mode, String prefix, int requestQueueSize) {
        return new RedisConfig(uri, mode, prefix, Duration.ofMillis(50), Duration.ofMillis(500), requestQueueSize,
                Duration.ofSeconds(2), "", ReplicaWait.OFF, RedisConfig.DEFAULT_TOPOLOGY_REFRESH);
    }

    @Test
    void bothNodesReceiveAPublicationMadeByEither() throws Exception {
        RecordingListener onA = new RecordingListener();
        RecordingListener onB = new RecordingListener();
        Broker nodeA = startedBroker(onA);
        Broker nodeB = startedBroker(onB);
        String room = topic("chat:room");
        complete(nodeA.subscribe(room));
        complete(nodeB.subscribe(room));

        complete(nodeA.publish(room, bytes("from A")));
        assertEquals("from A", onA.next().text());
        assertEquals("from A", onB.next().text());

        complete(nodeB.publish(room, bytes("from B")));
        assertEquals("from B", onA.next().text());
        assertEquals("from B", onB.next().text());
    }

    @Test
    void aBackendPublishWithRedisCliReachesTheListener() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");
        complete(broker.subscribe(news));

        String receivers = REDIS.server().cli("PUBLISH", "crier:" + news, "{\"data\":1}");

        assertEquals("1", receivers);
        Publication publication = received.next();
        assertEquals(news, publication.topic());
        assertEquals("{\"data\":1}", publication.text());
    }

    @Test
    void usesTheConfiguredPrefixForRedisChannels() throws Exception {
        RecordingListener received = new RecordingListener();
        String prefix = topic("test") + ":";
        Broker broker = new RedisBroker(REDIS.link(config(REDIS.server().uri(), prefix, 10_000)));
        try (broker) {
            complete(broker.start(received));
            String news = topic("news");
            complete(broker.subscribe(news));

            assertEquals(prefix + news + "\n1", REDIS.server().cli("PUBSUB", "NUMSUB", prefix + news));
            assertEquals("0", REDIS.server().cli("PUBLISH", "crier:" + news, "default prefix"));
            assertEquals("0", REDIS.server().cli("PUBLISH", news, "no prefix"));
            complete(broker.publish(news, bytes("own prefix")));

            Publication publication = received.next();
            assertEquals(news, publication.topic());
            assertEquals("own prefix", publication.text());
        }
    }

    @Test
    void failsPublishAtOnceWhenTheRequestQueueIsFull() throws Exception {
        // Redis holds every PUBLISH for 2 s, well within the 5 s command timeout, so the queue of 10 fills up.
        Broker broker = new RedisBroker(REDIS.link(new RedisConfig(REDIS.server().uri(), "crier:", Duration.ofMillis(50),
                Duration.ofMillis(500), 10, Duration.ofSeconds(5))));
        try (broker) {
            complete(broker.start(new RecordingListener()));
            String news = topic("news");
            REDIS.server().cli("CLIENT", "PAUSE", "2000", "WRITE");

            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add(broker.publish(news, bytes(Integer.toString(i))).toCompletableFuture());
            }
            long refusedAtOnce = sent.stream().filter(CompletableFuture::isCompletedExceptionally).count();

            assertEquals(90, refusedAtOnce);
            for (CompletableFuture<Void> stage : sent.subList(0, 10)) {
                complete(stage);
            }
            for (CompletableFuture<Void> stage : sent.subList(10, sent.size())) {
                assertUnavailable(stage);
            }
        }
    }

    @Test
    void theStoresOfANodeShareOneLinkWhoseCloseLeavesNoLettuceThreadsBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        RedisLink link = new RedisLink(config(REDIS.server().uri(), "crier:", 10_000));
        Broker broker = new RedisBroker(link);
        complete(broker.start(new RecordingListener()));
        String news = topic("news");
        complete(broker.subscribe(news));
        complete(broker.publish(news, bytes("warm up")));
        Set<Thread> brokerThreads = lettuceThreadsSince(before);
        assertFalse(brokerThreads.isEmpty(), "the broker started no Lettuce threads?");

        RedisHistoryStore history = new RedisHistoryStore(link);
        complete(history.start());
        RedisPresenceStore presence = new RedisPresenceStore(link, Duration.ofSeconds(10));
        RedisNodeRegistry registry = new RedisNodeRegistry(link, Duration.ofSeconds(10));
        complete(presence.connected());
        complete(registry.connected());
        Set<Thread> allThreads = lettuceThreadsSince(before);
        assertTrue(allThreads.size() <= 4, "one link's threads serve four stores: " + allThreads);

        registry.close();
        presence.close();
        history.close();
        broker.close();
        link.close();

        await("Lettuce threads " + allThreads + " end")
                .atMost(Duration.ofSeconds(10))
                .until(() -> allThreads.stream().noneMatch(Thread::isAlive));
    }

    private static Set<Thread> lettuceThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.getName().contains("lettuce"))
                .collect(Collectors.toSet());
    }

    @Test
    void failsTheStartStageFastWhenNothingListensAtTheUri() throws Exception {
        String uri;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            uri = "redis://127.0.0.1:" + free.getLocalPort();
        }
        RecordingListener received = new RecordingListener();
        Broker broker = new RedisBroker(REDIS.link(config(uri, "crier:", 10_000)));
        try (broker) {
            assertUnavailable(broker.start(received));
            assertEquals(BrokerState.DISCONNECTED, broker.state());
            received.awaitState(BrokerState.DISCONNECTED);
        }
        assertEquals(BrokerState.CLOSED, broker.state());
    }
}
