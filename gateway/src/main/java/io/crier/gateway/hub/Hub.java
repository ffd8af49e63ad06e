package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerListener;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * This node's index of topic to local subscribers. It subscribes the node to a topic on the broker while
 * the topic has local subscribers (ref-counted, with a grace period before unsubscribing), and turns each
 * publication from the broker into one encoded {@code message} push, handed to the {@link Fanout} once for
 * all local subscribers. A malformed broker payload is counted ({@code crier.broker.payloads.malformed})
 * and dropped.
 *
 * <p>Thread-safe: sessions call it from their event loops, the broker from its own threads.
 * (Skeleton: the implementation lands with the hub work.)
 *
 * @param <S> the transport's subscriber type
 */
public final class Hub<S extends Subscriber> implements BrokerListener {

    public Hub(Broker broker, EnvelopeCodec envelopes, PublicationCodec publications, Fanout<S> fanout,
               ScheduledExecutorService scheduler, Duration unsubscribeGrace, MeterRegistry meters) {
    }

    /**
     * Adds {@code subscriber} to {@code topic}. The stage completes once the node's broker subscription
     * is active, or exceptionally (with {@code BrokerUnavailableException}) when it cannot be made.
     */
    public CompletionStage<Void> subscribe(String topic, S subscriber) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Removes {@code subscriber} from {@code topic}; a no-op when it was not subscribed. */
    public void unsubscribe(String topic, S subscriber) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Publishes {@code data} to {@code topic} on every node, through the broker. */
    public CompletionStage<Void> publish(String topic, RawJson data) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The number of topics with local subscribers. */
    public int topicCount() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    @Override
    public void onPublication(String topic, byte[] payload) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
