package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.HistoryStore;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.RecoveryConfig;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds a {@link Hub} for tests, on a given broker, from the parts a test cares about. The others get test
 * defaults: a 1024-byte {@link EnvelopeCodec}, a {@link RecordingFanout}, a {@link ManualScheduler}, no unsubscribe
 * grace, a registry of its own, and no history (every topic behaves as one without history). Not thread-safe;
 * the hub it builds is.
 */
public final class HubBuilder {

    private final Broker broker;
    private EnvelopeCodec envelopes = new EnvelopeCodec(1024);
    private Fanout fanout = new RecordingFanout();
    private ScheduledExecutorService scheduler = new ManualScheduler();
    private Duration unsubscribeGrace = Duration.ZERO;
    private MeterRegistry meters = new SimpleMeterRegistry();
    private HubHistory history = new HubHistory(null, new NamespacesConfig(new NamespaceOptions(false, true, false)),
            new RecoveryConfig(1), sessions -> { });

    private HubBuilder(Broker broker) {
        this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** A builder of a hub on {@code broker} (the test starts the broker with the hub, or a listener around it). */
    public static HubBuilder on(Broker broker) {
        return new HubBuilder(broker);
    }

    public HubBuilder envelopes(EnvelopeCodec envelopes) {
        this.envelopes = envelopes;
        return this;
    }

    public HubBuilder fanout(Fanout fanout) {
        this.fanout = fanout;
        return this;
    }

    public HubBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    public HubBuilder unsubscribeGrace(Duration unsubscribeGrace) {
        this.unsubscribeGrace = unsubscribeGrace;
        return this;
    }

    public HubBuilder meters(MeterRegistry meters) {
        this.meters = meters;
        return this;
    }

    /** Topics keep history as {@code namespaces} say, in {@code store}, with {@code recovery.maxPublications}. */
    public HubBuilder history(HistoryStore store, NamespacesConfig namespaces, int maxPublications,
                              SessionEvictor evictor) {
        this.history = new HubHistory(store, namespaces, new RecoveryConfig(maxPublications), evictor);
        return this;
    }

    public Hub build() {
        return new Hub(new HubWiring(broker, envelopes, new PublicationCodec(), fanout, scheduler, meters), history,
                unsubscribeGrace);
    }

    /**
     * Subscribes {@code subscriber} to {@code topic} and makes it live at once, as a transport that writes no reply
     * would: completes (with null) once it is live, or fails as {@link Hub#subscribe} does.
     */
    public static CompletionStage<Void> subscribeLive(Hub hub, String topic, Subscriber subscriber) {
        return hub.subscribe(topic, subscriber, null).thenApply(subscription -> {
            hub.activate(subscription);
            return null;
        });
    }
}
