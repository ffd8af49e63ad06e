package io.crier.gateway.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import java.util.List;

/** What the bad-input suite expects to read back from a node: replies, errors and closes. Stateless. */
public final class Replies {

    private Replies() {
    }

    /** Sends an {@code auth} command with {@code token} and asserts the {@code welcome} and the {@code ok}. */
    public static void authenticate(RawWebSocket client, String token) throws Exception {
        client.sendText(ClientCommands.auth(1, token));
        assertTrue(client.nextText().startsWith("{\"type\":\"welcome\","));
        assertEquals("{\"type\":\"ok\",\"id\":1}", client.nextText());
    }

    /**
     * A {@code publish} command with raw JSON {@code data}, written by hand: the suite sends topics and data the
     * protocol's encoder would refuse with it.
     */
    public static String publish(int id, String topic, String data) {
        return "{\"type\":\"publish\",\"id\":" + id + ",\"topic\":\"" + topic + "\",\"data\":" + data + "}";
    }

    /** Sends {@code frame} and asserts the error reply: exact type, id and code (the message may change). */
    public static void assertError(RawWebSocket client, String frame, String id, String code) throws Exception {
        client.sendText(frame);
        String reply = client.nextText();
        String expected = "{\"type\":\"error\"," + (id == null ? "" : "\"id\":" + id + ",")
                + "\"code\":\"" + code + "\",\"message\":\"";
        assertTrue(reply.startsWith(expected) && reply.endsWith("\"}"), "expected " + expected + "... got " + reply);
    }

    /** The session still answers commands. */
    public static void assertPingAnswered(RawWebSocket client) throws Exception {
        client.sendText(ClientCommands.ping(99));
        assertEquals("{\"type\":\"ok\",\"id\":99}", client.nextText());
    }

    /** The frame decoder closes at once: the close code, no push before it, and the end of the stream. */
    public static void assertClosedWith(RawWebSocket client, int code) throws Exception {
        RawWebSocket.Closed closed = client.awaitClose();
        assertEquals(code, closed.code(), closed.toString());
        assertEquals(List.of(), closed.textsBefore());
        assertEquals(0, client.readUntilEndOfStream(RawWebSocket.WAIT).length, "nothing after the close frame");
    }

    /** The code of an error reply, {@code ok} for an ok reply, else the whole reply. */
    public static String codeOf(String reply) {
        if (reply.startsWith("{\"type\":\"ok\"")) {
            return "ok";
        }
        int at = reply.indexOf("\"code\":\"");
        return at < 0 ? reply : reply.substring(at + 8, reply.indexOf('"', at + 8));
    }
}
