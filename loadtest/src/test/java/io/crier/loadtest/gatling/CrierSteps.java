package io.crier.loadtest.gatling;

import io.crier.protocol.ClientCommands;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.crier.gateway.auth.TestTokens;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The Gatling steps every Crier simulation is made of: connect and authenticate (a fresh token per virtual user,
 * minted by the tests' {@link TestTokens}), subscribe, hear publications into a {@link DeliveryTally}, and the
 * verdicts that turn a tally into Gatling requests that succeed or fail, so that {@code assertions(...)} can judge
 * deliveries. Request names are stable: the simulations' assertions refer to them. Stateless; thread-safe.
 */
final class CrierSteps {

    /** How long one expected reply or push may take before its request fails. */
    static final Duration WAIT = Duration.ofSeconds(15);
    /** How often a listening user takes the frames Gatling buffered for it. */
    static final Duration POLL = Duration.ofMillis(100);
    /** Request names the assertions use. */
    static final String CONNECT = "connect";
    static final String AUTH = "auth";
    static final String SUBSCRIBE = "subscribe";
    /** Check names: Gatling times each from the send (or the connect) to the frame that passed it. */
    static final String WELCOME = "welcome";
    static final String AUTH_OK = "auth ok";
    static final String SUBSCRIBE_OK = "subscribe ok";
    static final String DELIVERED = "every publication received";
    static final String LATENCY = "p99 within the latency bound";

    /** Session keys (no dots: Gatling's expression language reads a dot as a field access). */
    private static final String TALLY = "crierTally";
    private static final String BEARER = "crierBearer";
    private static final long AUTH_ID = 1;
    private static final long SUBSCRIBE_ID = 2;
    private static final long DELIVERED_ID = 900;
    private static final long LATENCY_ID = 901;
    /** Topic patterns of every load-test token: the load tests stay in the {@code lt} namespace. */
    private static final List<String> PATTERNS = List.of("lt:*");

    private CrierSteps() {
    }

    /** How a virtual user authenticates. */
    enum Auth {
        /** {@code Authorization: Bearer} on the upgrade request, as services do. */
        BEARER,
        /** An {@code auth} command after the upgrade, as browsers do. */
        COMMAND;

        static Auth parse(String text) {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Gatling's HTTP protocol for {@code target}: no warm-up request to the internet, and a buffer for the frames
     * no check waited for, which {@link #listen} reads; a user that falls behind by more than {@code buffered}
     * frames loses the oldest, and its tally reports them missing.
     */
    static HttpProtocolBuilder protocol(LoadSettings.Target target, int buffered) {
        return http.wsBaseUrl(target.origin()).disableWarmUp().wsUnmatchedInboundMessageBufferSize(buffered);
    }

    /**
     * How long {@code users} take to arrive at {@code perSecond}: at least one second, because Gatling injected
     * no user at all from a ramp shorter than that.
     */
    static Duration arrival(int users, int perSecond) {
        return Duration.ofMillis(Math.max(1000, users * 1000L / perSecond));
    }

    /** Mints this user's token, connects and authenticates; the request "connect" (and "auth") time it. */
    static ChainBuilder connect(LoadSettings.Target target, Auth auth, String runId) {
        ChainBuilder mint = exec(session -> session.set(BEARER, TestTokens.hs256(target.secret(),
                "lt-" + runId + "-" + session.userId(), PATTERNS, PATTERNS, Duration.ofHours(1))));
        String path = target.url().getPath();
        if (auth == Auth.BEARER) {
            return mint.exec(ws(CONNECT).connect(path).header("Authorization", "Bearer #{" + BEARER + "}")
                    .await(WAIT).on(ws.checkTextMessage(WELCOME).check(jsonPath("$.type").is("welcome"))));
        }
        return mint.exec(ws(CONNECT).connect(path))
                .exec(ws(AUTH).sendText(session -> ClientCommands.auth(AUTH_ID, session.getString(BEARER))).await(WAIT)
                        .on(ws.checkTextMessage(AUTH_OK).matching(jsonPath("$.id").ofInt().is((int) AUTH_ID))
                                .check(jsonPath("$.type").is("ok"))));
    }

    /** Subscribes to {@code topic}; the request "subscribe" ends with the {@code ok} (the broker subscription is active). */
    static ChainBuilder subscribe(Function<Session, String> topic) {
        return exec(ws(SUBSCRIBE).sendText(session -> ClientCommands.subscribe(SUBSCRIBE_ID, topic.apply(session)))
                .await(WAIT).on(ws.checkTextMessage(SUBSCRIBE_OK)
                        .matching(jsonPath("$.id").ofInt().is((int) SUBSCRIBE_ID))
                        .check(jsonPath("$.type").is("ok"))));
    }

    /** Reports the user at {@code rendezvous}, then ends it if anything before failed. */
    static ChainBuilder arrive(Rendezvous rendezvous) {
        return exec(session -> {
            rendezvous.arrive(!session.isFailed());
            return session;
        }).exitHereIfFailed();
    }

    /** Gives the user an empty tally of {@code sources} x {@code perSource} publications. */
    static ChainBuilder expect(Function<Session, Integer> sources, int perSource, long boundMillis) {
        return exec(session -> session.set(TALLY, new DeliveryTally(sources.apply(session), perSource, boundMillis)));
    }

    /** Takes the buffered frames into the tally now: do it before every send, which empties Gatling's buffer. */
    static ChainBuilder drain(LatencyBook book) {
        return exec(ws.processUnmatchedMessages((frames, session) -> {
            tally(session).accept(frames, book);
            return session;
        }));
    }

    /** Listens until the tally is complete or {@code giveUp} says so. */
    static ChainBuilder listen(LatencyBook book, BooleanSupplier giveUp) {
        return asLongAs(session -> !tally(session).complete() && !giveUp.getAsBoolean())
                .on(pause(POLL), drain(book));
    }

    /**
     * Adds the tally to the book, then two pings whose checks (named so, the names assertions use) are the verdicts: {@value #DELIVERED} (nothing
     * missing, duplicated or out of order) and {@value #LATENCY} (at most 1% of this user's deliveries late).
     */
    static ChainBuilder verdicts(LatencyBook book) {
        return exec(session -> {
            tally(session).addTo(book);
            return session;
        }).exec(ws("ping: " + DELIVERED).sendText(ClientCommands.ping(DELIVERED_ID)).await(WAIT).on(
                ws.checkTextMessage(DELIVERED).matching(jsonPath("$.id").ofInt().is((int) DELIVERED_ID))
                        .check(jsonPath("$.type").transformWithSession((type, session) -> tally(session).problems())
                                .is("none"))))
                .exec(ws("ping: " + LATENCY).sendText(ClientCommands.ping(LATENCY_ID)).await(WAIT).on(
                        ws.checkTextMessage(LATENCY).matching(jsonPath("$.id").ofInt().is((int) LATENCY_ID))
                                .check(jsonPath("$.type").transformWithSession((type, session) -> tally(session).late())
                                        .lte(session -> tally(session).allowedLate()))));
    }

    /**
     * A verdict on something outside Gatling (a count the simulation keeps): a ping whose check, named {@code name},
     * passes when {@code found} equals {@code wanted} at the time of the reply.
     */
    static ChainBuilder judge(String name, long id, Function<Session, String> found, String wanted) {
        return exec(ws("ping: " + name).sendText(ClientCommands.ping(id)).await(WAIT).on(
                ws.checkTextMessage(name).matching(jsonPath("$.id").ofInt().is((int) id))
                        .check(jsonPath("$.type").transformWithSession((type, session) -> found.apply(session))
                                .is(wanted))));
    }

    /** This user's tally (see {@link #expect}). */
    static DeliveryTally tally(Session session) {
        return session.get(TALLY);
    }
}
