package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code rpc} command and the {@code data} of {@code auth}: what decodes, and every way they can be malformed. */
class RpcAndAuthDataTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(16);

    @Test
    void anRpcCarriesItsMethodAndItsDataAsSent() {
        assertEquals(new Command.Rpc(CommandId.of(1), "orders:list", RawJson.trusted("[1, 2]")),
                decode("{\"data\":[1, 2],\"method\":\"orders:list\",\"type\":\"rpc\",\"id\":1}"));
        assertEquals(new Command.Rpc(CommandId.of(1), "time", RawJson.trusted("null")),
                decode("{\"type\":\"rpc\",\"id\":1,\"method\":\"time\",\"data\":null}"));
    }

    @Test
    void aBadMethodOrDataIsAnErrorReplyWithTheId() {
        assertEquals(new Malformed(CommandId.of(1), ErrorCode.MISSING_FIELD, "missing field 'method'"),
                decode("{\"type\":\"rpc\",\"id\":1}"));
        Malformed badMethod = new Malformed(CommandId.of(2), ErrorCode.INVALID_FIELD,
                "field 'method' must be 1 to 200 characters from A-Z a-z 0-9 _ - . : @ =");
        assertEquals(badMethod, decode("{\"type\":\"rpc\",\"id\":2,\"method\":7}"));
        assertEquals(badMethod, decode("{\"type\":\"rpc\",\"id\":2,\"method\":\"\"}"));
        assertEquals(badMethod, decode("{\"type\":\"rpc\",\"id\":2,\"method\":\"a b\"}"));
        assertEquals(badMethod, decode("{\"type\":\"rpc\",\"id\":2,\"method\":\"" + "m".repeat(201) + "\"}"));
        assertEquals(new Malformed(CommandId.of(3), ErrorCode.TOO_LARGE, "field 'data' is larger than 16 bytes"),
                decode("{\"type\":\"rpc\",\"id\":3,\"method\":\"m\",\"data\":\"" + "x".repeat(20) + "\"}"));
        assertEquals(new Malformed(CommandId.of(4), ErrorCode.INVALID_FIELD, "duplicate field name"),
                decode("{\"type\":\"rpc\",\"id\":4,\"method\":\"m\",\"method\":\"n\"}"));
    }

    @Test
    void authDataIsBoundedLikePublishData() {
        assertEquals(new Command.Auth(CommandId.of(1), null, RawJson.trusted("{\"a\":1}")),
                decode("{\"type\":\"auth\",\"id\":1,\"data\":{\"a\":1}}"));
        assertEquals(new Malformed(CommandId.of(1), ErrorCode.TOO_LARGE, "field 'data' is larger than 16 bytes"),
                decode("{\"type\":\"auth\",\"id\":1,\"data\":\"" + "x".repeat(20) + "\"}"));
    }

    private Inbound decode(String frame) {
        return codec.decode(frame.getBytes(StandardCharsets.UTF_8));
    }
}
