package io.crier.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * Broadcast fan-out: does every subscriber of one busy topic get every publication, and how long after it was
 * published? {@code crier.users} clients subscribe to one topic (arriving at {@code crier.connectRate} a second);
 * once all are subscribed, a backend publishes {@code crier.rate} publications a second for {@code crier.duration}
 * seconds through Redis ({@link PublicationPacer}), each carrying its send time. Every client counts what it got
 * and records the publish-to-receive latency in a shared HdrHistogram, printed at the end. Fails when any client
 * missed, repeated or reordered a publication, or had more than 1% of them later than {@code crier.latencyBoundMs}.
 * Gatling runs one instance per run; the publisher has its own thread.
 */
public class BroadcastFanoutSimulation extends Simulation {

    private final PublicationPacer pacer;
    private final LatencyBook book = new LatencyBook();
    private final long boundMillis;

    /** Builds the scenario from the system properties, printing them. */
    public BroadcastFanoutSimulation() {
        LoadSettings settings = new LoadSettings("BroadcastFanoutSimulation");
        LoadSettings.Target target = settings.target();
        int users = settings.integer("crier.users", 1000, "subscribers of the topic");
        int connectRate = settings.integer("crier.connectRate", 200, "subscribers arriving per second");
        int rate = settings.integer("crier.rate", 10, "publications per second");
        int duration = settings.integer("crier.duration", 10, "seconds of publishing");
        int payloadBytes = settings.integer("crier.payloadBytes", 100, "bytes of each publication's data");
        boundMillis = settings.integer("crier.latencyBoundMs", 500, "p99 bound of publish-to-receive latency");
        int graceMillis = settings.integer("crier.graceMs", 10_000, "how long clients wait for stragglers");
        settings.print();

        int count = rate * duration;
        String topic = "lt:fanout-" + settings.runId();
        Rendezvous subscribed = new Rendezvous(users);
        Duration arrival = CrierSteps.arrival(users, connectRate);
        pacer = new PublicationPacer(target, new PublicationPacer.Plan(topic, rate, count, payloadBytes), subscribed,
                arrival.plus(CrierSteps.WAIT.multipliedBy(2)));
        Duration grace = Duration.ofMillis(graceMillis);

        ScenarioBuilder subscriber = scenario("fan-out subscriber")
                .exec(CrierSteps.expect(session -> 1, count, boundMillis))
                .exec(CrierSteps.connect(target, CrierSteps.Auth.BEARER, settings.runId()))
                .exec(CrierSteps.subscribe(session -> topic))
                .exec(CrierSteps.arrive(subscribed))
                .exec(CrierSteps.listen(book, () -> pacer.over(grace)))
                .exec(CrierSteps.verdicts(book))
                .exec(ws("close").close());

        setUp(subscriber.injectOpen(rampUsers(users).during(arrival)))
                .protocols(CrierSteps.protocol(target, Math.max(1000, rate * 5)))
                .assertions(
                        global().failedRequests().count().is(0L),
                        details(CrierSteps.SUBSCRIBE).successfulRequests().count().is((long) users),
                        details(CrierSteps.DELIVERED).successfulRequests().count().is((long) users),
                        details(CrierSteps.LATENCY).successfulRequests().count().is((long) users));
    }

    @Override
    public void before() {
        pacer.start();
    }

    @Override
    public void after() {
        pacer.close();
        System.out.println(pacer.summary());
        System.out.println(book.summary("broadcast fan-out", pacer.publishingMillis(), boundMillis));
    }
}
