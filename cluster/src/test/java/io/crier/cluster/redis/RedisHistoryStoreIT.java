package io.crier.cluster.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistorySlice;
import io.crier.cluster.HistoryStoreContract;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisServerProcess;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.Position;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history contract on {@link RedisHistoryStore} against a real redis-server (real time: ttls of one
 * second are awaited), plus what only Redis does: restarts with and without persistence, backends calling
 * the function with redis-cli, and the function library going missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisHistoryStoreIT extends HistoryStoreContract {

    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.standalone();

    @Override
    protected Fixture start(BrokerListener listener) throws Exception {
        return start(REDIS.server(), listener);
    }

    @Override
    protected void advance(Duration by) {
        // Redis measures ages with its own clock: the suite's awaits let the time pass.
    }

    private Fixture start(RedisServerProcess server, BrokerListener listener) throws Exception {
        RedisConfig config = RedisBrokerIT.config(server.uri(), "crier:", 10_000);
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(REDIS.link(config)));
        complete(store.start());
        RedisBroker broker = closeAfterTest(new RedisBroker(REDIS.link(config)));
        complete(broker.start(listener));
        return new Fixture(store, broker);
    }

    @Test
    void startsANewEpochAtOffsetOneAfterRedisRestartsWithoutPersistence() throws Exception {
        try (RedisServerProcess volatileRedis = RedisServerProcess.start()) {
            Fixture fixture = start(volatileRedis, new RecordingListener());
            String news = topic("news");
            StreamPosition before = publish(fixture.store(), news, 3, KEEP_100).get(2);

            volatileRedis.kill();
            volatileRedis.restart();

            // The store reloads the function library on its own once it has reconnected.
            StreamPosition after = await().atMost(RecordingListener.TIMEOUT).ignoreExceptions()
                    .until(() -> complete(fixture.store().publish(news, bytes("{\"n\":4}"), KEEP_100)), p -> true);
            assertEquals(1, after.offset());
            assertNotEquals(before.epoch(), after.epoch());
            HistorySlice slice = complete(fixture.store().read(news, 3, 100, KEEP_100));
            assertFalse(slice.complete());
            assertEquals(after, slice.position());
        }
    }

    @Test
    void continuesTheOffsetsInANewEpochAfterRedisRestartsWithAof() throws Exception {
        try (RedisServerProcess durableRedis = RedisServerProcess.startWithAof()) {
            Fixture fixture = start(durableRedis, new RecordingListener());
            String news = topic("news");
            StreamPosition before = publish(fixture.store(), news, 3, KEEP_100).get(2);

            durableRedis.kill();
            durableRedis.restart();

            // A restarted Redis has a new replication ID: it cannot rule out having lost what it acknowledged last
            // (with appendfsync everysec it may have), so the topic forks: a new epoch that continues at 4.
            StreamPosition after = await().atMost(RecordingListener.TIMEOUT).ignoreExceptions()
                    .until(() -> complete(fixture.store().publish(news, bytes("{\"n\":4}"), KEEP_100)), p -> true);
            assertEquals(4, after.offset());
            assertNotEquals(before.epoch(), after.epoch());
            HistorySlice slice = complete(fixture.store().read(news, 3, 100, KEEP_100));
            assertTrue(slice.complete());
            assertEquals(List.of(4L), offsets(slice));
            assertEquals(before, slice.continuedFrom());
            assertTrue(slice.continues(before.epoch(), 3), "nothing the readers saw was lost: they read on");
            assertEquals(List.of(1L, 2L, 3L, 4L), offsets(complete(fixture.store().read(news, 0, 100, KEEP_100))));
        }
    }

    @Test
    void aPromotedReplicaForksTheTopicAtWhatItHasSoThatOnlyReadersWhoSawTheLostTailCannotReadOn() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisServerProcess replica = RedisServerProcess.start()) {
            replica.cli("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            Fixture onMaster = start(master, new RecordingListener());
            String news = topic("news");
            StreamPosition third = publish(onMaster.store(), news, 3, KEEP_100).get(2);
            await("the replica has publication 3").atMost(RecordingListener.TIMEOUT)
                    .until(() -> replica.cli("HGET", "{crier:" + news + "}:meta", "offset").equals("3"));

            // The replica is promoted (what Sentinel does after the master died); the old master acknowledges two
            // more publications that never reach it: asynchronous replication lost them.
            replica.cli("REPLICAOF", "NO", "ONE");
            StreamPosition fifth = publish(onMaster.store(), news, 2, KEEP_100).get(1);
            Fixture onPromoted = start(replica, new RecordingListener());
            StreamPosition next = complete(onPromoted.store().publish(news, bytes("{\"n\":\"new 4\"}"), KEEP_100));

            assertEquals(new StreamPosition(5, third.epoch()), fifth);
            assertEquals(4, next.offset(), "the new epoch gives 4 again, to another publication");
            assertNotEquals(third.epoch(), next.epoch());
            HistorySlice slice = complete(onPromoted.store().read(news, 3, 100, KEEP_100));
            assertEquals(third, slice.continuedFrom());
            assertTrue(slice.continues(third.epoch(), 3));
            assertFalse(slice.continues(fifth.epoch(), 5), "a reader who saw 4 and 5 saw what is lost");
            assertEquals("{\"n\":\"new 4\"}", text(slice.publications().get(0).data()));
        }
    }

    @Test
    void withWaitReplicasAPublicationIsAcknowledgedOnlyOnceTheReplicaHasIt() throws Exception {
        // Long enough for a replica on a loaded test machine to answer WAIT's GETACK (300 ms was not, once).
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisServerProcess replica = RedisServerProcess.start()) {
            replica.cli("REPLICAOF", "127.0.0.1", Integer.toString(master.port()));
            await("the replica is in sync").atMost(RecordingListener.TIMEOUT)
                    .until(() -> master.cli("INFO", "replication").contains("state=online"));
            RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(REDIS.link(new RedisConfig(master.uri(),
                    "crier:", Duration.ofMillis(50), Duration.ofMillis(500), 10_000, WAIT_TIMEOUT.multipliedBy(2), "",
                    new ReplicaWait(1, WAIT_TIMEOUT)))));
            complete(store.start());
            String news = topic("news");

            StreamPosition first = complete(store.publish(news, bytes("{\"n\":1}"), KEEP_100));
            assertEquals("1", replica.cli("HGET", "{crier:" + news + "}:meta", "offset"), "acknowledged: replicated");

            // A replica that stops applying the stream (paused, as a lagging one would be) confirms nothing.
            replica.cli("CLIENT", "PAUSE", Long.toString(WAIT_TIMEOUT.multipliedBy(2).toMillis()), "WRITE");
            long before = System.nanoTime();
            ExecutionException unconfirmed = assertThrows(ExecutionException.class,
                    () -> complete(store.publish(news, bytes("{\"n\":2}"), KEEP_100)));
            long waited = System.nanoTime() - before;

            assertEquals(1, first.offset());
            BrokerUnavailableException failure = assertInstanceOf(BrokerUnavailableException.class,
                    unconfirmed.getCause());
            assertEquals("published at offset 2, but only 0 of 1 replicas confirmed it within 2000ms: a failover may"
                    + " lose it", failure.getMessage());
            assertTrue(waited >= WAIT_TIMEOUT.toNanos(), "it waited for the replica: " + waited + " ns");
        }
    }

    @Test
    void aBackendFcallWithRedisCliReachesSubscribersWithItsOffset() throws Exception {
        RecordingListener received = new RecordingListener();
        Fixture fixture = start(received);
        String news = topic("news");
        complete(fixture.broker().subscribe(news));

        String reply = REDIS.server().cli("FCALL", "crier_publish", "1", "crier:" + news, "{\"x\":1}");
        String again = REDIS.server().cli("FCALL", "crier_publish", "1", "crier:" + news, "{\"x\":2}", "10", "60");

        String epoch = reply.split("\n")[1];
        assertEquals("1\n" + epoch, reply);
        assertEquals("2\n" + epoch, again);
        ChannelMessage.Publication first = decode(received.next().payload());
        assertEquals(new Position(1, epoch), first.position());
        assertEquals("{\"x\":1}", first.data().text());
        assertEquals(new Position(2, epoch), decode(received.next().payload()).position());
        assertEquals(List.of(1L, 2L), offsets(complete(fixture.store().read(news, 0, 10, KEEP_100))));
    }

    @Test
    void rejectsBadInputInsideTheFunctionWithoutUsingAnOffset() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        String channel = "crier:" + news;

        // redis-cli prints an error reply and still exits with 0.
        for (String bad : List.of("NaN", "{\"a\":1,\"a\":2}", "[1,]", "{\"a\":1} x", "01", "")) {
            String reply = REDIS.server().cli("FCALL", "crier_publish", "1", channel, bad);
            assertTrue(reply.startsWith("ERR crier: data "), bad + " -> " + reply);
        }
        assertTrue(REDIS.server().cli("FCALL", "crier_publish", "1", channel, "1", "0").startsWith("ERR crier: maxlen "));
        assertTrue(REDIS.server().cli("FCALL", "crier_publish", "1", channel, "1", "5", "x").startsWith("ERR crier: ttl "));
        assertTrue(REDIS.server().cli("FCALL", "crier_publish", "2", channel, "{x}", "1")
                .startsWith("ERR crier: expected 1 key"));
        ExecutionException fromJava = assertThrows(ExecutionException.class,
                () -> complete(fixture.store().publish(news, bytes("{\"a\":NaN}"), KEEP_100)));

        IllegalArgumentException rejected = assertInstanceOf(IllegalArgumentException.class, fromJava.getCause());
        assertEquals("data is not valid JSON", rejected.getMessage());
        assertEquals(1, complete(fixture.store().publish(news, bytes("{}"), KEEP_100)).offset());
    }

    @Test
    void storesTheTopicUnderTheDocumentedKeysWithTheChannelAsHashTag() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        StreamPosition position = complete(fixture.store().publish(news, bytes("{\"n\":1}"), KEEP_100));
        String channel = "crier:" + news;

        String replid = REDIS.server().cli("INFO", "replication").lines().filter(line -> line.startsWith("master_replid:"))
                .findFirst().orElseThrow().substring("master_replid:".length()).strip();
        assertEquals("epoch\n" + position.epoch() + "\noffset\n1\nreplid\n" + replid,
                REDIS.server().cli("HGETALL", "{" + channel + "}:meta"));
        assertEquals("1", REDIS.server().cli("XLEN", "{" + channel + "}:history"));
        assertEquals("1-0\nd\n{\"n\":1}", REDIS.server().cli("XRANGE", "{" + channel + "}:history", "-", "+").lines()
                .limit(3).reduce((a, b) -> a + "\n" + b).orElseThrow());
        long ttl = Long.parseLong(REDIS.server().cli("TTL", "{" + channel + "}:history"));
        assertTrue(ttl > 250 && ttl <= 300, "ttl " + ttl);
    }

    @Test
    void loadsTheLibraryAgainWhenRedisLostItAndRetriesTheCall() throws Exception {
        Fixture fixture = start(new RecordingListener());
        String news = topic("news");
        complete(fixture.store().publish(news, bytes("1"), KEEP_100));

        assertEquals("OK", REDIS.server().cli("FUNCTION", "FLUSH"));

        assertEquals(2, complete(fixture.store().publish(news, bytes("2"), KEEP_100)).offset());
        assertTrue(REDIS.server().cli("FUNCTION", "LIST", "LIBRARYNAME", "crier").contains("crier_publish"));
    }

    @Test
    void failsPublishAtOnceWhenTheRequestQueueIsFull() throws Exception {
        // Redis holds every write for 2 s, well within the 5 s command timeout, so the queue of 10 fills up.
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(REDIS.link(new RedisConfig(REDIS.server().uri(), "crier:",
                Duration.ofMillis(50), Duration.ofMillis(500), 10, Duration.ofSeconds(5)))));
        complete(store.start());
        String news = topic("news");
        REDIS.server().cli("CLIENT", "PAUSE", "2000", "WRITE");

        List<CompletableFuture<StreamPosition>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(store.publish(news, bytes(Integer.toString(i)), KEEP_100).toCompletableFuture());
        }

        assertEquals(90, sent.stream().filter(CompletableFuture::isCompletedExceptionally).count());
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 1, complete(sent.get(i)).offset());
        }
        for (CompletableFuture<StreamPosition> refused : sent.subList(10, sent.size())) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> complete(refused));
            assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
        }
    }

    @Test
    void failsTheStartStageFastWhenNothingListensAtTheUri() throws Exception {
        String uri;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            uri = "redis://127.0.0.1:" + free.getLocalPort();
        }
        RedisHistoryStore store = closeAfterTest(new RedisHistoryStore(REDIS.link(RedisBrokerIT.config(uri, "crier:", 10_000))));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> complete(store.start()));
        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
        ExecutionException publish = assertThrows(ExecutionException.class,
                () -> complete(store.publish(topic("news"), bytes("1"), KEEP_100)));
        assertInstanceOf(BrokerUnavailableException.class, publish.getCause());
    }
}
