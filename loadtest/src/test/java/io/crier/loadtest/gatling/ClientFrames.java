package io.crier.loadtest.gatling;

import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.RawJson;
import java.nio.charset.StandardCharsets;

/**
 * The text of the commands a load-test client sends, made from the protocol module's {@link Command} records by
 * its own command encoder ({@link EnvelopeCodec#encodeCommand(Command)}), so the load tests cannot drift from
 * the protocol. Stateless apart from the codec; thread-safe.
 */
final class ClientFrames {

    /** Only encodes here, so its data limit never comes into play. */
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(1 << 20);

    private ClientFrames() {
    }

    /** {@code {"type":"auth","id":N,"token":"<JWT>"}}. */
    static String auth(long id, String token) {
        return encode(new Command.Auth(CommandId.of(id), token));
    }

    /** {@code {"type":"subscribe","id":N,"topic":"<topic>"}}. */
    static String subscribe(long id, String topic) {
        return encode(new Command.Subscribe(CommandId.of(id), topic));
    }

    /** {@code {"type":"publish","id":N,"topic":"<topic>","data":<data>}}, with {@code data} copied byte for byte. */
    static String publish(long id, String topic, byte[] data) {
        return encode(new Command.Publish(CommandId.of(id), topic, RawJson.trusted(data)));
    }

    /** {@code {"type":"ping","id":N}}. */
    static String ping(long id) {
        return encode(new Command.Ping(CommandId.of(id)));
    }

    /** The text frame of any command. */
    static String encode(Command command) {
        return new String(CODEC.encodeCommand(command), StandardCharsets.UTF_8);
    }
}
