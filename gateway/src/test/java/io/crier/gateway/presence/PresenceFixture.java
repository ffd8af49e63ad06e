package io.crier.gateway.presence;

import io.crier.cluster.ManualClock;
import io.crier.cluster.memory.InMemoryBroker;
import io.crier.cluster.memory.InMemoryPresenceStore;
import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.PresenceConfig;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.hub.HubBuilder;
import io.crier.gateway.hub.ManualScheduler;
import io.crier.gateway.hub.RecordingFanout;
import io.crier.gateway.hub.Subscriber;
import io.crier.gateway.hub.TestSubscriber;
import io.crier.gateway.permission.TopicPolicy;
import io.crier.gateway.session.Session;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.session.TokenLifetime;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node's presence, in memory, for unit tests: an in-memory broker and presence store, a hub whose pushes
 * are recorded, a manual clock (leases) and a manual scheduler (refreshes, leave graces). Namespaces:
 * {@code chat} (presence full, join/leave), {@code big} (presence count), {@code quiet} (presence full, no
 * join/leave), {@code events} (join/leave only) and the default (nothing). Not thread-safe; one per test.
 */
final class PresenceFixture implements AutoCloseable {

    static final Duration TTL = Duration.ofSeconds(30);
    static final Duration REFRESH = Duration.ofSeconds(10);
    static final Duration GRACE = Duration.ofSeconds(5);
    static final int MAX_LIST = 3;

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final ManualScheduler scheduler = new ManualScheduler();
    final InMemoryBroker broker = new InMemoryBroker();
    final InMemoryPresenceStore store = new InMemoryPresenceStore(TTL, clock);
    final RecordingFanout fanout = new RecordingFanout();
    final NamespacesConfig namespaces = new NamespacesConfig(options("off", false), Map.of(
            "chat", options("full", true), "big", options("count", false), "quiet", options("full", false),
            "events", options("off", true)));
    final SessionPolicy policy = new SessionPolicy(16, new TopicPolicy(namespaces), token -> {
        throw new InvalidTokenException("no refresh in this test");
    }, true, new TokenLifetime.Settings(clock, Duration.ofSeconds(60), Duration.ofSeconds(25)));
    final EnvelopeCodec envelopes = new EnvelopeCodec(1024);
    final Hub hub = HubBuilder.on(broker).envelopes(envelopes).fanout(fanout).scheduler(scheduler).build();
    final PresenceTracker tracker;
    final PresenceQuery query;
    private int commandIds;

    PresenceFixture(Duration grace) {
        tracker = new PresenceTracker(store, new PresenceEvents(broker, new PublicationCodec(), new SimpleMeterRegistry()),
                namespaces, new PresenceConfig(TTL, REFRESH, grace, MAX_LIST), "n1", scheduler);
        query = new PresenceQuery(store, namespaces, new TopicPolicy(namespaces), MAX_LIST);
        hub.presenceEvents(new PresencePushes(envelopes, hub::push));
        broker.start(hub);
        tracker.start();
    }

    PresenceFixture() {
        this(GRACE);
    }

    /** A user who may subscribe to every topic, with {@code info} as its info claim (or none). */
    static User user(String id, String info) {
        return new User(id, TopicPatterns.of(List.of("*")), TopicPatterns.NONE, Instant.parse("2030-01-01T00:00:00Z"),
                info == null ? null : RawJson.trusted(info));
    }

    /** A session of {@code user} on this node, with presence wired as the composition root does. */
    Session session(String id, User user) {
        Session session = new Session(id, user, new TestSubscriber(id), hub, policy);
        session.trackPresence(tracker, query);
        return session;
    }

    /** Runs {@code command} on {@code session} and returns its reply. */
    Reply handle(Session session, Command command) throws Exception {
        return session.handle(command).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    Reply subscribe(Session session, String topic) throws Exception {
        return handle(session, new Command.Subscribe(nextId(), topic));
    }

    Reply unsubscribe(Session session, String topic) throws Exception {
        return handle(session, new Command.Unsubscribe(nextId(), topic));
    }

    Reply presence(Session session, String topic, boolean countOnly) throws Exception {
        return handle(session, new Command.Presence(nextId(), topic, countOnly));
    }

    /** The join and leave pushes delivered so far, as text, each followed by its receivers. */
    List<String> presencePushes() {
        return fanout.deliveries().stream()
                .filter(d -> d.text().contains("\"type\":\"join\"") || d.text().contains("\"type\":\"leave\""))
                .map(d -> d.text() + " -> " + d.targets().stream().map(Subscriber::sessionId).toList())
                .toList();
    }

    /** Moves both the lease clock and the scheduler, in steps of at most a second so they stay together. */
    void advance(Duration time) {
        Duration left = time;
        while (!left.isZero()) {
            Duration step = left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1);
            clock.advance(step);
            scheduler.advance(step);
            left = left.minus(step);
        }
    }

    CommandId nextId() {
        return CommandId.of(++commandIds);
    }

    private static NamespaceOptions options(String presence, boolean joinLeave) {
        return new NamespaceOptions(true, true, false, 0, Duration.ofMinutes(5), false, presence, joinLeave);
    }

    @Override
    public void close() {
        tracker.close();
        store.close();
        broker.close();
    }
}
