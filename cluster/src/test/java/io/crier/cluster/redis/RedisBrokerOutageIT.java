package io.crier.cluster.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.RecordingListener;
import io.crier.cluster.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RedisBroker} across Redis outages: each test has its own redis-server, which it kills or stops. */
class RedisBrokerOutageIT {

    private final TestLinks links = new TestLinks();

    /** Well below the 2 s command timeout of the test config: a failure this fast is no timeout. */
    private static final Duration FAST = Duration.ofSeconds(1);

    private final List<Broker> brokers = new ArrayList<>();
    private final String testId = UUID.randomUUID().toString().substring(0, 8);
    private RedisServerProcess redis;

    @BeforeEach
    void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterEach
    void closeEverything() {
        brokers.forEach(Broker::close);
        links.close();
        redis.close();
    }

    @Test
    void reportsAnOutageFailsPublishFastAndFlowsAgainAfterRedisRestarts() throws Exception {
        RecordingListener onA = new RecordingListener();
        RecordingListener onB = new RecordingListener();
        Broker nodeA = startedBroker(onA);
        Broker nodeB = startedBroker(onB);
        String room = "chat:room." + testId;
        BrokerContract.complete(nodeA.subscribe(room));
        BrokerContract.complete(nodeB.subscribe(room));
        onA.clearStates();
        onB.clearStates();

        redis.kill();
        onA.awaitState(BrokerState.DISCONNECTED);
        onB.awaitState(BrokerState.DISCONNECTED);
        assertEquals(BrokerState.DISCONNECTED, nodeA.state());
        assertUnavailableFast(nodeA.publish(room, BrokerContract.bytes("lost")));

        redis.restart();
        onA.awaitState(BrokerState.CONNECTED);
        onB.awaitState(BrokerState.CONNECTED);
        BrokerContract.complete(nodeB.publish(room, BrokerContract.bytes("from B, after")));
        assertEquals("from B, after", onA.next().text());
        assertEquals("from B, after", onB.next().text());
        assertEquals("2", redis.cli("PUBLISH", "crier:" + room, "from the backend"));
        assertEquals("from the backend", onA.next().text());
        assertEquals("from the backend", onB.next().text());
    }

    @Test
    void appliesSubscribeAndUnsubscribeMadeDuringAnOutageOnceRedisIsBack() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String dropped = "dropped." + testId;
        String added = "added." + testId;
        BrokerContract.complete(broker.subscribe(dropped));
        received.clearStates();

        redis.kill();
        received.awaitState(BrokerState.DISCONNECTED);
        BrokerContract.complete(broker.unsubscribe(dropped));
        assertUnavailableFast(broker.subscribe(added));

        redis.restart();
        received.awaitState(BrokerState.CONNECTED);
        assertEquals("1", redis.cli("PUBLISH", "crier:" + added, "added"));
        assertEquals("added", received.next().text());
        // Lettuce re-subscribes what Redis had confirmed before the outage; the broker takes that back.
        await("Redis forgets the topic given up during the outage")
                .atMost(RecordingListener.TIMEOUT)
                .until(() -> redis.cli("PUBSUB", "NUMSUB", "crier:" + dropped).endsWith("\n0"));
    }

    @Test
    void aBrokerStartedWhileRedisIsDownConnectsOnceRedisComesUp() throws Exception {
        redis.stop();
        RecordingListener received = new RecordingListener();
        Broker broker = new RedisBroker(links.open(RedisBrokerIT.config(redis.uri(), "crier:", 10_000)));
        brokers.add(broker);
        String news = "news." + testId;

        assertUnavailableFast(broker.start(received));
        assertEquals(BrokerState.DISCONNECTED, broker.state());
        assertUnavailableFast(broker.subscribe(news));
        assertUnavailableFast(broker.publish(news, BrokerContract.bytes("too early")));

        redis.restart();
        received.awaitState(BrokerState.CONNECTED);
        assertEquals(BrokerState.CONNECTED, broker.state());
        assertEquals("1", redis.cli("PUBLISH", "crier:" + news, "{\"data\":\"late\"}"));
        assertEquals("{\"data\":\"late\"}", received.next().text());
    }

    private Broker startedBroker(BrokerListener listener) throws Exception {
        Broker broker = new RedisBroker(links.open(RedisBrokerIT.config(redis.uri(), "crier:", 10_000)));
        brokers.add(broker);
        BrokerContract.complete(broker.start(listener));
        return broker;
    }

    private static void assertUnavailableFast(CompletionStage<?> stage) {
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(FAST.toMillis(), TimeUnit.MILLISECONDS));
        assertInstanceOf(BrokerUnavailableException.class, failure.getCause());
    }
}
