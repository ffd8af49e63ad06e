package io.crier.gateway.hub;

import io.crier.cluster.StoredPublication;
import io.crier.protocol.ChannelMessage;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;

/**
 * Turns publications of topics with history, live or read back from history, into {@code message} pushes.
 * Stored data is checked the way a broker payload is (a backend's {@code FCALL} may have stored anything): data
 * that is not one JSON value is counted as malformed and gives no push, so the session never receives a frame it
 * cannot parse. Thread-safe.
 */
final class PushEncoder {

    private final EnvelopeCodec envelopes;
    private final PublicationCodec publications;
    private final HubMeters meters;

    PushEncoder(EnvelopeCodec envelopes, PublicationCodec publications, HubMeters meters) {
        this.envelopes = envelopes;
        this.publications = publications;
        this.meters = meters;
    }

    /** A live publication from the broker that carries its {@code position}, with its push. */
    Positioned live(String topic, ChannelMessage.Publication publication) {
        Position position = publication.position();
        byte[] push = envelopes.encodeMessage(topic, publication.data(), position);
        return new Positioned(position.offset(), position.epoch(), push);
    }

    /** The stored publication {@code stored} of {@code topic} in {@code epoch}, with its push (or none). */
    Positioned stored(String topic, StoredPublication stored, String epoch) {
        RawJson data = checked(stored.data());
        byte[] push = data == null ? null
                : envelopes.encodeMessage(topic, data, new Position(stored.offset(), epoch));
        return new Positioned(stored.offset(), epoch, push);
    }

    /** {@code data} as one checked JSON value, or {@code null} (counted) when it is not one. */
    RawJson checked(byte[] data) {
        try {
            // The same parser as for broker payloads: wrapping the bytes keeps one set of rules.
            return publications.decodeData(publications.encode(RawJson.trusted(data)));
        } catch (MalformedPublicationException e) {
            meters.malformedPayloads.increment();
            return null;
        }
    }
}
