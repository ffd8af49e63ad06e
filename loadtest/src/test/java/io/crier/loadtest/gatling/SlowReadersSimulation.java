package io.crier.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Slow readers: when some subscribers stop reading, are they disconnected as documented (close 4001
 * {@code slow_consumer}) while the others keep getting everything, on time? {@code crier.slowReaders} raw sockets
 * ({@link StalledReaders}) and {@code crier.users} Gatling clients subscribe to one topic; a backend then
 * publishes {@code crier.rate} publications of {@code crier.payloadBytes} a second for {@code crier.duration}
 * seconds (enough bytes to fill a stalled client's kernel buffers and the node's queue). Fails when a fast client
 * missed, repeated or reordered a publication or had more than 1% late, when a stalled reader was not closed,
 * or (when {@code crier.metricsUrl} is readable: one node) when the node counted fewer slow-consumer
 * disconnects than there are stalled readers. Gatling runs one instance per run.
 */
public class SlowReadersSimulation extends Simulation {

    private static final String CLOSED = "slow readers disconnected";
    private static final String COUNTED = "node counted slow_consumer disconnects";
    /** Longer than the node's close timeout (3 s), after which it closes a socket it cannot flush. */
    private static final Duration SETTLE = Duration.ofSeconds(4);

    private final LoadSettings.Target target;
    private final String topic;
    private final String runId;
    private final int slowReaders;
    private final PublicationPacer pacer;
    private final StalledReaders stalled = new StalledReaders();
    private final NodeMetrics metrics;
    private final LatencyBook book = new LatencyBook();
    private final long boundMillis;
    private volatile long countedBefore = -1;
    private volatile long countedAfter = -1;

    /** Builds the scenarios from the system properties, printing them. */
    public SlowReadersSimulation() {
        LoadSettings settings = new LoadSettings("SlowReadersSimulation");
        target = settings.target();
        int users = settings.integer("crier.users", 50, "fast subscribers (Gatling clients)");
        slowReaders = settings.integer("crier.slowReaders", 5, "subscribers that stop reading (raw sockets)");
        int connectRate = settings.integer("crier.connectRate", 100, "fast subscribers arriving per second");
        int rate = settings.integer("crier.rate", 200, "publications per second");
        int duration = settings.integer("crier.duration", 10, "seconds of publishing");
        int payloadBytes = settings.integer("crier.payloadBytes", 8000, "bytes of each publication's data");
        boundMillis = settings.integer("crier.latencyBoundMs", 500, "p99 bound of the fast clients' latency");
        int graceMillis = settings.integer("crier.graceMs", 10_000, "how long clients wait for stragglers");
        String metricsUrl = settings.text("crier.metricsUrl", target.httpOrigin() + "/metrics",
                "the node's metrics, to see the close code; none: skip (a fleet)");
        settings.print();

        runId = settings.runId();
        topic = "lt:slow-" + runId;
        metrics = new NodeMetrics("none".equals(metricsUrl) ? null : URI.create(metricsUrl));
        int count = rate * duration;
        Rendezvous subscribed = new Rendezvous(users);
        Duration arrival = CrierSteps.arrival(users, connectRate);
        pacer = new PublicationPacer(target, new PublicationPacer.Plan(topic, rate, count, payloadBytes), subscribed,
                arrival.plus(CrierSteps.WAIT.multipliedBy(2)));
        Duration grace = Duration.ofMillis(graceMillis);
        long judgeUntil = System.currentTimeMillis() + arrival.plus(CrierSteps.WAIT.multipliedBy(4))
                .plus(pacer.plan().duration().multipliedBy(2)).plusSeconds(40).toMillis();

        ScenarioBuilder fast = scenario("fast subscriber")
                .exec(CrierSteps.expect(session -> 1, count, boundMillis))
                .exec(CrierSteps.connect(target, CrierSteps.Auth.BEARER, runId))
                .exec(CrierSteps.subscribe(session -> topic))
                .exec(CrierSteps.arrive(subscribed))
                .exec(CrierSteps.listen(book, () -> pacer.over(grace)))
                .exec(CrierSteps.verdicts(book))
                .exec(ws("close").close());
        ScenarioBuilder judge = scenario("judge of the slow readers")
                .exec(CrierSteps.connect(target, CrierSteps.Auth.BEARER, runId))
                .exec(asLongAs(session -> !judged() && System.currentTimeMillis() < judgeUntil).on(pause(CrierSteps.POLL)))
                .exec(CrierSteps.judge(CLOSED, 910, session -> Integer.toString(stalled.closed()),
                        Integer.toString(slowReaders)))
                .exec(CrierSteps.judge(COUNTED, 911, session -> countedVerdict(), "ok"))
                .exec(ws("close").close());

        setUp(fast.injectOpen(rampUsers(users).during(arrival)), judge.injectOpen(atOnceUsers(1)))
                .protocols(CrierSteps.protocol(target, Math.max(1000, rate * 5)))
                .assertions(assertions(users));
    }

    @Override
    public void before() {
        countedBefore = metrics.slowConsumerDisconnects();
        try {
            stalled.open(target, topic, slowReaders, runId);
        } catch (IOException e) {
            throw new UncheckedIOException("the stalled readers could not subscribe", e);
        }
        stalled.judgeAfter(pacer.done(), SETTLE, Duration.ofSeconds(30));
        stalled.outcomes().thenRun(() -> countedAfter = metrics.slowConsumerDisconnects());
        pacer.start();
    }

    @Override
    public void after() {
        pacer.close();
        try {
            stalled.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(pacer.summary());
        System.out.println(stalled.describe());
        System.out.println("node's slow_consumer disconnects: before " + countedBefore + ", after " + countedAfter
                + (metrics.enabled() ? "" : " (not read: crier.metricsUrl=none)"));
        System.out.println(book.summary("slow readers, fast clients", pacer.publishingMillis(), boundMillis));
    }

    /** Whether the stalled readers have been read to the end, and the node's counter read after that. */
    private boolean judged() {
        return stalled.outcomes().isDone() && (!metrics.enabled() || countedAfter >= 0);
    }

    private String countedVerdict() {
        if (!metrics.enabled()) {
            return "ok";
        }
        if (countedBefore < 0 || countedAfter < 0) {
            return "metrics unreadable (before " + countedBefore + ", after " + countedAfter + ")";
        }
        long counted = countedAfter - countedBefore;
        return counted >= slowReaders ? "ok" : "counted " + counted + " of " + slowReaders;
    }

    private List<Assertion> assertions(int users) {
        return new ArrayList<>(List.of(
                global().failedRequests().count().is(0L),
                details(CrierSteps.SUBSCRIBE).successfulRequests().count().is((long) users),
                details(CrierSteps.DELIVERED).successfulRequests().count().is((long) users),
                details(CrierSteps.LATENCY).successfulRequests().count().is((long) users),
                details(CLOSED).successfulRequests().count().is(1L),
                details(COUNTED).successfulRequests().count().is(1L)));
    }
}
