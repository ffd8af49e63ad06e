package io.crier.gateway.hub;

import io.crier.cluster.Broker;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.PublicationCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The node-wide collaborators a {@link Hub} is built from, bundled so that its constructor stays short.
 * Immutable; thread-safe as its parts are (each is shared by every event loop of the node).
 *
 * @param broker       carries the node's topic subscriptions and the publications of topics without history
 * @param envelopes    encodes each {@code message} push once per node
 * @param publications decodes broker payloads and encodes client publications
 * @param fanout       hands an encoded push to local subscribers
 * @param scheduler    runs the delayed unsubscribes and the gap repair retries
 * @param meters       where the hub's meters are registered
 */
public record HubWiring(Broker broker, EnvelopeCodec envelopes, PublicationCodec publications, Fanout fanout,
                        ScheduledExecutorService scheduler, MeterRegistry meters) {

    public HubWiring {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(envelopes, "envelopes");
        Objects.requireNonNull(publications, "publications");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(meters, "meters");
    }
}
