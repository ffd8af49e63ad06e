package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.BURST;
import static io.crier.gateway.badinput.BadInputNode.FLOOD_AFTER;
import static io.crier.gateway.badinput.BadInputNode.MAX_TOPICS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bad-input suite, flood phase: clients that send too much, too fast, or keep sending while they are being
 * closed get the documented reply or close code, and see it; the witness on the same node loses nothing.
 */
class FloodBadInputIT {

    /** The node's close linger (2 s by default) and more: a flood cannot hold a connection open. */
    private static final Duration FLOOD_ENDS = Duration.ofSeconds(10);

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    @Test
    void thousandsOfSubscribesHitTheTopicLimitThenTheRateLimitThenCloseWith4502() throws Exception {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int id = 1; id <= 2000; id++) {
            flood.write(ClientFrame.text(ClientCommands.subscribe(id, "badinput:flood-" + id)).encode());
        }
        try (RawWebSocket client = NODE.session("flood")) {
            long start = System.nanoTime();
            RawWebSocket.Closed closed = client.writeWhileAwaitingClose(flood.toByteArray());
            long refills = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
            assertEquals(4502, closed.code());
            assertEquals("command_flood", closed.reason());
            List<String> replies = closed.textsBefore();
            assertEquals("{\"type\":\"disconnect\",\"code\":4502,\"reason\":\"command_flood\",\"reconnect\":false}",
                    replies.get(replies.size() - 1));
            List<String> codes = replies.subList(0, replies.size() - 1).stream().map(Replies::codeOf).toList();
            assertEquals(Collections.nCopies(MAX_TOPICS, "ok"), codes.subList(0, MAX_TOPICS));
            List<String> afterTheTopicLimit = codes.subList(MAX_TOPICS, codes.size());
            assertTrue(afterTheTopicLimit.stream().allMatch(c -> c.equals("too_many_topics") || c.equals("rate_limited")),
                    codes.toString());
            // The last of floodDisconnectAfter rate-limited commands in a row is answered by the close itself.
            assertEquals(Collections.nCopies(FLOOD_AFTER - 1, "rate_limited"),
                    codes.subList(codes.size() - FLOOD_AFTER + 1, codes.size()));
            // The bucket starts full and auth took one token; it refills by one a second meanwhile.
            long admitted = codes.stream().filter(code -> !code.equals("rate_limited")).count();
            assertTrue(admitted >= BURST - 1 && admitted <= BURST - 1 + refills, admitted + " admitted: " + codes);
        }
    }


    @ParameterizedTest
    @ValueSource(ints = {ClientFrame.PING, ClientFrame.PONG})
    void pingsAndPongsAreChargedToTheCommandBucketThenCloseWith4502(int opcode) throws Exception {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int i = 0; i < 2000; i++) {
            flood.write(ClientFrame.of(opcode, new byte[] {(byte) i}).encode());
        }
        try (RawWebSocket client = NODE.session("control-flood-" + opcode)) {
            long start = System.nanoTime();
            List<RawWebSocket.Frame> pongs = new ArrayList<>();
            RawWebSocket.Closed closed = client.writeWhileAwaitingClose(flood.toByteArray(), frame -> {
                if (frame.opcode() == ClientFrame.PONG) {
                    pongs.add(frame);
                }
            });
            long refills = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
            assertEquals(new RawWebSocket.Closed(4502, "command_flood", List.of(
                    "{\"type\":\"disconnect\",\"code\":4502,\"reason\":\"command_flood\",\"reconnect\":false}")), closed);
            // The bucket starts full and auth took one token; it refills by one a second meanwhile.
            int expectedMax = opcode == ClientFrame.PING ? BURST - 1 + (int) refills : 0;
            assertTrue(pongs.size() <= expectedMax, pongs.size() + " pongs");
            if (opcode == ClientFrame.PING) {
                assertTrue(pongs.size() >= BURST - 1, "the pings within the bucket were answered: " + pongs.size());
            }
        }
    }

    // ---- clients that keep sending while the node closes them: they still see why ----------------------

    @Test
    void aClientThatKeepsFloodingCommandsSeesTheDisconnectPushAnd4502() throws Exception {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 100; i++) {
            batch.write(ClientFrame.text(ClientCommands.ping(i)).encode());
        }
        try (RawWebSocket client = NODE.session("keeps-flooding")) {
            RawWebSocket.Flood flood = client.flood(batch.toByteArray());
            RawWebSocket.Closed closed = client.awaitClose();
            assertEquals(4502, closed.code(), closed.toString());
            assertEquals("{\"type\":\"disconnect\",\"code\":4502,\"reason\":\"command_flood\",\"reconnect\":false}",
                    closed.textsBefore().get(closed.textsBefore().size() - 1));
            assertEquals(0, client.readUntilGracefulEnd().length, "nothing after the close frame, then a FIN");
            assertTrue(flood.endedByTheServer(FLOOD_ENDS), "the node ended the connection, however long it sent");
        }
    }

    @Test
    void aClientThatKeepsSendingFragmentsPastTheMessageLimitSees1009() throws Exception {
        byte[] fragment = ClientFrame.of(ClientFrame.CONTINUATION, "x".repeat(1024).getBytes(StandardCharsets.US_ASCII))
                .withFin(false).encode();
        try (RawWebSocket client = NODE.session("keeps-fragmenting")) {
            client.send(ClientFrame.text("{\"type\":\"ping\",\"pad\":\"").withFin(false));
            RawWebSocket.Flood flood = client.flood(fragment);
            assertEquals(new RawWebSocket.Closed(1009, "message_too_big", List.of()), client.awaitClose());
            assertEquals(0, client.readUntilGracefulEnd().length, "nothing after the close frame, then a FIN");
            assertTrue(flood.endedByTheServer(FLOOD_ENDS), "the node ended the connection, however long it sent");
        }
    }

    @Test
    void aClientThatKeepsSendingDecompressionBombsSees1009() throws Exception {
        byte[] bomb = ClientFrame.deflatedText(("{\"type\":\"ping\",\"id\":1,\"pad\":\"" + " ".repeat(1 << 20) + "\"}")
                .getBytes(StandardCharsets.UTF_8)).encode();
        try (RawWebSocket client = NODE.deflateSession("keeps-bombing")) {
            RawWebSocket.Flood flood = client.flood(bomb);
            assertEquals(1009, client.awaitClose().code());
            assertEquals(0, client.readUntilGracefulEnd().length, "nothing after the close frame, then a FIN");
            assertTrue(flood.endedByTheServer(FLOOD_ENDS), "the node ended the connection, however long it sent");
        }
    }
}
