package io.crier.loadtest.gatling;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connect storm: how fast can clients arrive? {@code crier.users} clients connect at {@code crier.rate} a second,
 * each with its own freshly signed JWT (nothing is reused that a real client would not reuse), authenticate,
 * subscribe to one of {@code crier.topics} topics, hold the connection {@code crier.hold} seconds and leave.
 * Fails when any step fails or when the 99th percentile of the upgrade ("connect"), of the {@code welcome} (or the
 * {@code auth} reply) or of the subscribe reply passes {@code crier.p99Ms}. Gatling runs one instance per run, on its own threads.
 */
public class ConnectStormSimulation extends Simulation {

    /** Builds the scenario from the system properties, printing them. */
    public ConnectStormSimulation() {
        LoadSettings settings = new LoadSettings("ConnectStormSimulation");
        LoadSettings.Target target = settings.target();
        int users = settings.integer("crier.users", 1000, "clients that connect");
        int rate = settings.integer("crier.rate", 100, "new clients per second");
        int topics = settings.integer("crier.topics", 100, "topics the clients spread over");
        int holdSeconds = settings.integer("crier.hold", 10, 0, "seconds each client stays connected");
        CrierSteps.Auth auth = CrierSteps.Auth.parse(settings.text("crier.auth", "bearer",
                "bearer (header on the upgrade) or command (auth frame)"));
        int p99Millis = settings.integer("crier.p99Ms", 1000, "bound on the p99 of connect and of subscribe");
        settings.print();

        String prefix = "lt:storm-" + settings.runId() + "-";
        ScenarioBuilder storm = scenario("connect storm")
                .exec(CrierSteps.connect(target, auth, settings.runId()))
                .exec(CrierSteps.subscribe(session -> prefix + session.userId() % topics))
                .pause(Duration.ofSeconds(holdSeconds))
                .exec(ws("close").close());

        setUp(storm.injectOpen(rampUsers(users).during(CrierSteps.arrival(users, rate))))
                .protocols(CrierSteps.protocol(target, 64))
                .assertions(assertions(users, auth, p99Millis));
    }

    /** Every step of every client succeeded; the p99 of the upgrade and of each reply waited for is within bound. */
    private static List<Assertion> assertions(int users, CrierSteps.Auth auth, int p99Millis) {
        List<String> timed = new ArrayList<>(List.of(CrierSteps.CONNECT, CrierSteps.SUBSCRIBE_OK));
        timed.add(auth == CrierSteps.Auth.BEARER ? CrierSteps.WELCOME : CrierSteps.AUTH_OK);
        List<Assertion> all = new ArrayList<>(List.of(global().failedRequests().count().is(0L)));
        for (String step : timed) {
            all.add(details(step).successfulRequests().count().is((long) users));
            all.add(details(step).responseTime().percentile(99.0).lt(p99Millis));
        }
        return all;
    }
}
