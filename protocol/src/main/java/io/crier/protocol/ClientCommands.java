package io.crier.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The text of the well-formed commands a Java client sends (the gateway's tests, the load generators), made from
 * the {@link Command} records by this module's own encoder ({@link EnvelopeCodec#encodeCommand(Command)}), so that
 * no client built on it can drift from the protocol. A test of bad input writes its malformed frames by hand. Each method takes a
 * numeric id; {@link #encode(Command)} takes any command, one with a string id ({@link CommandId#ofString}) for
 * one. Stateless apart from the codec; thread-safe.
 */
public final class ClientCommands {

    /** Only encodes here, so its data limit never comes into play. */
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(1 << 20);

    private ClientCommands() {
    }

    /** {@code {"type":"auth","id":N,"token":"<token>"}}. */
    public static String auth(long id, String token) {
        return encode(new Command.Auth(CommandId.of(id), token));
    }

    /**
     * {@code {"type":"auth","id":N,"token":"<token>","since":{"<topic>":{"offset":O,"epoch":"<epoch>"},...}}}: the
     * positions the server-side subscriptions recover from; no {@code token} field when {@code token} is null.
     */
    public static String auth(long id, String token, Map<String, Position> since) {
        return encode(new Command.Auth(CommandId.of(id), token, since));
    }

    /** {@code {"type":"auth","id":N}}: asks for an anonymous session. */
    public static String anonymousAuth(long id) {
        return encode(new Command.Auth(CommandId.of(id), null));
    }

    /** {@code {"type":"refresh","id":N,"token":"<token>"}}. */
    public static String refresh(long id, String token) {
        return encode(new Command.Refresh(CommandId.of(id), token));
    }

    /** {@code {"type":"subscribe","id":N,"topic":"<topic>"}}. */
    public static String subscribe(long id, String topic) {
        return encode(new Command.Subscribe(CommandId.of(id), topic));
    }

    /** {@code {"type":"subscribe","id":N,"topic":"<topic>","since":{"offset":O,"epoch":"<epoch>"}}}. */
    public static String subscribe(long id, String topic, long offset, String epoch) {
        return encode(new Command.Subscribe(CommandId.of(id), topic, new Position(offset, epoch)));
    }

    /** {@code {"type":"unsubscribe","id":N,"topic":"<topic>"}}. */
    public static String unsubscribe(long id, String topic) {
        return encode(new Command.Unsubscribe(CommandId.of(id), topic));
    }

    /** {@code {"type":"publish","id":N,"topic":"<topic>","data":<data>}}, with {@code data} (JSON) as it is. */
    public static String publish(long id, String topic, String data) {
        return encode(new Command.Publish(CommandId.of(id), topic, RawJson.trusted(data)));
    }

    /** {@code {"type":"publish","id":N,"topic":"<topic>","data":<data>}}, with {@code data} (UTF-8 JSON) copied byte for byte. */
    public static String publish(long id, String topic, byte[] data) {
        return encode(new Command.Publish(CommandId.of(id), topic, RawJson.trusted(data)));
    }

    /** {@code {"type":"presence","id":N,"topic":"<topic>"}}, with {@code "countOnly":true} when asked. */
    public static String presence(long id, String topic, boolean countOnly) {
        return encode(new Command.Presence(CommandId.of(id), topic, countOnly));
    }

    /** {@code {"type":"rpc","id":N,"method":"<method>","data":<data>}}, without {@code data} when it is null. */
    public static String rpc(long id, String method, String data) {
        return encode(new Command.Rpc(CommandId.of(id), method, data == null ? null : RawJson.trusted(data)));
    }

    /** {@code {"type":"ping","id":N}}. */
    public static String ping(long id) {
        return encode(new Command.Ping(CommandId.of(id)));
    }

    /** The text frame of any command. */
    public static String encode(Command command) {
        return new String(CODEC.encodeCommand(command), StandardCharsets.UTF_8);
    }
}
