package io.crier.gateway.presence;

import io.crier.cluster.Broker;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes join and leave events on a topic's broker channel ({@link PublicationCodec#encodeJoin}), so that
 * every node, this one included, pushes them to its local subscribers of the topic. Straight through the
 * {@link Broker}, never through history: events carry no offset. At most once, like every broker publish; a
 * failed publish is counted ({@link MeterCatalog#PRESENCE_EVENTS_FAILED}), not retried.
 *
 * <p>Thread-safe.
 */
public final class PresenceEvents {

    private static final Logger log = LoggerFactory.getLogger(PresenceEvents.class);

    private final Broker broker;
    private final PublicationCodec codec;
    private final Counter published;
    private final Counter failed;

    public PresenceEvents(Broker broker, PublicationCodec codec, MeterRegistry meters) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.published = MeterCatalog.PRESENCE_EVENTS_PUBLISHED.counter(meters);
        this.failed = MeterCatalog.PRESENCE_EVENTS_FAILED.counter(meters);
    }

    /** Announces that {@code session} of {@code user} joined {@code topic}; the stage never fails. */
    public CompletionStage<Void> join(String topic, String user, String session) {
        return send(topic, codec.encodeJoin(user, session));
    }

    /** Announces that {@code session} of {@code user} left {@code topic}; the stage never fails. */
    public CompletionStage<Void> leave(String topic, String user, String session) {
        return send(topic, codec.encodeLeave(user, session));
    }

    private CompletionStage<Void> send(String topic, byte[] payload) {
        CompletionStage<Void> sent;
        try {
            sent = broker.publish(topic, payload);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((ignored, error) -> {
            if (error == null) {
                published.increment();
            } else {
                failed(error);
            }
            return null;
        });
    }

    private void failed(Throwable error) {
        // A broker outage would fail every event: counted, and debug only.
        failed.increment();
        log.debug("a presence event was not published", error);
    }
}
