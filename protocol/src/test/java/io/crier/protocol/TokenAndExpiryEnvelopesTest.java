package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The envelopes of issue 3: anonymous auth, refresh, the expiring push and the reconnect delay hint. */
class TokenAndExpiryEnvelopesTest {

    private final EnvelopeCodec codec = new EnvelopeCodec(64);
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void authWithoutTokenIsAnAnonymousRequest() {
        Command.Auth auth = assertInstanceOf(Command.Auth.class, decode("{\"id\":\"a\",\"type\":\"auth\"}"));

        assertEquals(CommandId.ofString("a"), auth.id());
        assertTrue(auth.anonymous());
        assertEquals(null, auth.token());
        assertEquals("Auth[id=" + auth.id() + ", token=<none>]", auth.toString());
    }

    @Test
    void authWithTokenIsNotAnonymousAndNeverPrintsTheToken() {
        Command.Auth auth = assertInstanceOf(Command.Auth.class,
                decode("{\"type\":\"auth\",\"id\":1,\"token\":\"eyJ-secret\"}"));

        assertFalse(auth.anonymous());
        assertFalse(auth.toString().contains("secret"), auth::toString);
    }

    @Test
    void refreshCarriesItsTokenAndNeverPrintsIt() {
        Command.Refresh refresh = assertInstanceOf(Command.Refresh.class,
                decode("{\"token\":\"eyJ-secret\",\"type\":\"refresh\",\"id\":7,\"topic\":1}"));

        assertEquals(new Command.Refresh(CommandId.of(7), "eyJ-secret"), refresh);
        assertEquals("refresh", refresh.type());
        assertFalse(refresh.toString().contains("secret"), refresh::toString);
    }

    @Test
    void refreshRecordRequiresAToken() {
        assertThrows(NullPointerException.class, () -> new Command.Refresh(CommandId.of(1), null));
    }

    @Test
    void encodesTheReconnectDelayOnlyWhenAboveZero() throws Exception {
        JsonNode withDelay = mapper.readTree(codec.encode(new Push.Disconnect(CloseCode.SHUTDOWN, 2500)));
        JsonNode withoutDelay = mapper.readTree(codec.encode(new Push.Disconnect(CloseCode.SHUTDOWN, 0)));

        assertEquals(2500, withDelay.get("reconnectDelayMs").longValue());
        assertFalse(withoutDelay.has("reconnectDelayMs"));
        assertEquals(new Push.Disconnect(CloseCode.SHUTDOWN), new Push.Disconnect(CloseCode.SHUTDOWN, 0));
    }

    @Test
    void rejectsANegativeReconnectDelayOrExpiry() {
        assertThrows(IllegalArgumentException.class, () -> new Push.Disconnect(CloseCode.SHUTDOWN, -1));
        assertThrows(IllegalArgumentException.class, () -> new Push.Expiring(-1));
    }

    @Test
    void encodesExpiringWithItsSecondsLeft() {
        assertEquals("{\"type\":\"expiring\",\"in\":0}", utf8(codec.encode(new Push.Expiring(0))));
        assertEquals("{\"type\":\"expiring\",\"in\":3600}", utf8(codec.encode(new Push.Expiring(3600))));
    }

    @Test
    void newCloseCodesSayWhetherToReconnect() {
        assertEquals(4004, CloseCode.TOKEN_EXPIRED.code());
        assertTrue(CloseCode.TOKEN_EXPIRED.reconnect());
        assertEquals(4005, CloseCode.CONNECTION_LIMIT.code());
        assertTrue(CloseCode.CONNECTION_LIMIT.reconnect());
        assertEquals(4502, CloseCode.COMMAND_FLOOD.code());
        assertFalse(CloseCode.COMMAND_FLOOD.reconnect());
        assertEquals("rate_limited", ErrorCode.RATE_LIMITED.wire());
        assertEquals("invalid_token", ErrorCode.INVALID_TOKEN.wire());
    }

    private Inbound decode(String frame) {
        return codec.decode(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
