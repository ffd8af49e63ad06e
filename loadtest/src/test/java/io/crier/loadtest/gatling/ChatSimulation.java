package io.crier.loadtest.gatling;

import io.crier.protocol.ClientCommands;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chat: many small rooms, every member publishing. {@code crier.users} clients are grouped in rooms of
 * {@code crier.roomSize} (one topic each); once all are subscribed, each member publishes {@code crier.messages}
 * times, one every {@code crier.intervalMs}, through its own WebSocket. Each member counts the room's publications
 * it hears (its own included, as the protocol specifies) and the replies to its publishes, and records both
 * latencies (client to client, publish to {@code ok}) in HdrHistograms printed at the end. Fails when a publish is
 * refused or unanswered, or a member missed, repeated or reordered a publication, or when more than 1% of a
 * member's deliveries or replies came later than {@code crier.latencyBoundMs}. Gatling runs one instance per run.
 */
public class ChatSimulation extends Simulation {

    private static final String INDEX = "chatIndex";
    private static final String ROUND = "chatRound";
    private static final long PUBLISH_ID = 100;
    private static final String ANSWERED = "every publish answered ok";
    private static final String ANSWERED_IN_TIME = "publish-to-ok p99 within the latency bound";

    private final AtomicInteger nextIndex = new AtomicInteger();
    private final LatencyBook book = new LatencyBook();
    private final LatencyBook acks = new LatencyBook();
    private final long boundMillis;

    /** Builds the scenario from the system properties, printing them. */
    public ChatSimulation() {
        LoadSettings settings = new LoadSettings("ChatSimulation");
        LoadSettings.Target target = settings.target();
        int users = settings.integer("crier.users", 1000, "chat members");
        int roomSize = settings.integer("crier.roomSize", 5, "members per room (one topic each)");
        int messages = settings.integer("crier.messages", 10, "publications per member");
        int intervalMillis = settings.integer("crier.intervalMs", 1000, "pause between a member's publications");
        int payloadBytes = settings.integer("crier.payloadBytes", 100, "bytes of each publication's data");
        int connectRate = settings.integer("crier.connectRate", 200, "members arriving per second");
        boundMillis = settings.integer("crier.latencyBoundMs", 500, "p99 bound of publish-to-ok and delivery");
        int graceMillis = settings.integer("crier.graceMs", 10_000, "how long members wait for stragglers");
        settings.print();

        Rooms rooms = new Rooms("lt:chat-" + settings.runId() + "-", users, roomSize);
        Rendezvous subscribed = new Rendezvous(users);
        Duration arrival = CrierSteps.arrival(users, connectRate);
        long talkMillis = (messages + 1L) * intervalMillis + graceMillis;
        long waitMillis = arrival.plus(CrierSteps.WAIT.multipliedBy(2)).toMillis();
        // Every member arrives at the rendezvous (connects time out), but the listening stays bounded regardless.
        long hardDeadline = System.currentTimeMillis() + waitMillis + talkMillis + CrierSteps.WAIT.toMillis();

        ScenarioBuilder member = scenario("chat member")
                .exec(session -> session.set(INDEX, nextIndex.getAndIncrement()))
                .exec(CrierSteps.expect(session -> rooms.sizeOf(index(session)), messages, boundMillis))
                .exec(session -> {
                    CrierSteps.tally(session).expectAcks(messages, PUBLISH_ID, acks);
                    return session;
                })
                .exec(CrierSteps.connect(target, CrierSteps.Auth.BEARER, settings.runId()))
                .exec(CrierSteps.subscribe(session -> rooms.topicOf(index(session))))
                .exec(CrierSteps.arrive(subscribed))
                .exec(session -> session.set("chatWaitUntil", System.currentTimeMillis() + waitMillis))
                .exec(asLongAs(session -> !subscribed.complete()
                        && System.currentTimeMillis() < session.getLong("chatWaitUntil")).on(pause(CrierSteps.POLL)))
                .pause(Duration.ZERO, Duration.ofMillis(intervalMillis))
                .exec(repeat(messages, ROUND).on(publish(rooms, payloadBytes), pause(Duration.ofMillis(intervalMillis))))
                .exec(CrierSteps.listen(book, () -> System.currentTimeMillis() > hardDeadline
                        || subscribed.completedAtMillis() > 0
                        && System.currentTimeMillis() > subscribed.completedAtMillis() + talkMillis))
                .exec(CrierSteps.verdicts(book))
                .exec(CrierSteps.judge(ANSWERED, 902, session -> CrierSteps.tally(session).ackProblems(), "none"))
                .exec(CrierSteps.judge(ANSWERED_IN_TIME, 903, session -> CrierSteps.tally(session).lateAckProblems(),
                        "none"))
                .exec(ws("close").close());

        setUp(member.injectOpen(rampUsers(users).during(arrival)))
                .protocols(CrierSteps.protocol(target, 1000))
                .assertions(
                        global().failedRequests().count().is(0L),
                        details(CrierSteps.SUBSCRIBE).successfulRequests().count().is((long) users),
                        details(ANSWERED).successfulRequests().count().is((long) users),
                        details(ANSWERED_IN_TIME).successfulRequests().count().is((long) users),
                        details(CrierSteps.DELIVERED).successfulRequests().count().is((long) users),
                        details(CrierSteps.LATENCY).successfulRequests().count().is((long) users));
    }

    @Override
    public void after() {
        System.out.println(book.summary("chat deliveries", 0, boundMillis));
        System.out.println(acks.summary("chat publishes answered ok (publish-to-ok)", 0, boundMillis));
    }

    /**
     * One publication of this member, stamped now, after taking in what arrived (a send empties Gatling's buffer).
     * No check waits for its {@code ok}: that would drop the room's frames arriving meanwhile; the tally reads the
     * reply from the buffer instead.
     */
    private ChainBuilder publish(Rooms rooms, int payloadBytes) {
        return exec(CrierSteps.drain(book)).exec(ws("publish").sendText(session -> {
            int round = session.getInt(ROUND);
            long now = System.currentTimeMillis();
            CrierSteps.tally(session).sent(PUBLISH_ID + round, now);
            Probe probe = new Probe(rooms.seatOf(index(session)), round + 1L, now);
            return ClientCommands.publish(PUBLISH_ID + round, rooms.topicOf(index(session)), probe.toData(payloadBytes));
        }));
    }

    private static int index(Session session) {
        return session.getInt(INDEX);
    }

    /**
     * Members 0..users-1 seated in rooms of {@code roomSize}, in order; the last room may be smaller.
     *
     * @param prefix   topic name of a room, before its number
     * @param users    how many members
     * @param roomSize members per room
     */
    private record Rooms(String prefix, int users, int roomSize) {
        String topicOf(int index) {
            return prefix + index / roomSize;
        }

        int seatOf(int index) {
            return index % roomSize;
        }

        int sizeOf(int index) {
            int first = index / roomSize * roomSize;
            return Math.min(roomSize, users - first);
        }
    }
}
