package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.MAX_MESSAGE;
import static io.crier.gateway.badinput.Replies.assertClosedWith;
import static io.crier.gateway.badinput.Replies.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.ClientCommands;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
/**
 * The bad-input suite, frame phase: each broken WebSocket frame closes its connection with the standard code
 * (1002, 1003, 1007, 1009); fragments within the limits are reassembled; the witness loses nothing.
 */
class FrameBadInputIT {

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    @ParameterizedTest
    @ValueSource(strings = {"string", "number"})
    void aTextFrameBeyondTheFrameLimitClosesWith1009(String kind) throws Exception {
        String huge = kind.equals("string") ? "\"" + "x".repeat(MAX_MESSAGE) + "\"" : "9".repeat(MAX_MESSAGE);
        try (RawWebSocket client = NODE.session("big-frame")) {
            client.send(ClientFrame.text(publish(1, "badinput:big", huge)));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void aFrameHeaderAnnouncingAnAbsurdLengthClosesWith1009AtOnce() throws Exception {
        try (RawWebSocket client = NODE.session("absurd-length")) {
            client.send(ClientFrame.text("{}").declaring(1L << 40));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void fragmentsAddingUpPastTheMessageLimitCloseWith1009() throws Exception {
        byte[] third = "x".repeat(MAX_MESSAGE / 3 + 1).getBytes(StandardCharsets.US_ASCII);
        try (RawWebSocket client = NODE.session("fragments")) {
            client.send(ClientFrame.of(ClientFrame.TEXT, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, third));
            RawWebSocket.Closed closed = client.awaitClose();
            assertEquals(new RawWebSocket.Closed(1009, "message_too_big", List.of()), closed);
        }
    }

    @Test
    void fragmentsWithinTheLimitAreReassembledIntoOneCommand() throws Exception {
        try (RawWebSocket client = NODE.session("reassembled")) {
            client.send(ClientFrame.text("{\"type\":\"pi").withFin(false));
            client.send(ClientFrame.of(ClientFrame.PING, new byte[] {1}));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "ng\",\"id\"".getBytes(StandardCharsets.UTF_8))
                    .withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, ":11}".getBytes(StandardCharsets.UTF_8)));
            assertEquals("{\"type\":\"ok\",\"id\":11}", client.nextText());
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        byte[] bad = {'{', '"', 'x', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        try (RawWebSocket client = NODE.session("utf8")) {
            client.send(ClientFrame.of(ClientFrame.TEXT, bad));
            assertClosedWith(client, 1007);
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() throws Exception {
        try (RawWebSocket client = NODE.session("binary")) {
            client.send(ClientFrame.of(ClientFrame.BINARY, new byte[] {1, 2, 3}));
            assertEquals(new RawWebSocket.Closed(1003, "binary_not_supported", List.of()), client.awaitClose());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ClientFrame.PING, ClientFrame.PONG, ClientFrame.CLOSE})
    void aControlFrameWithMoreThan125BytesClosesWith1002(int opcode) throws Exception {
        byte[] payload = new byte[126];
        payload[0] = 0x03; // a valid close code (1000) first, so that only the length is wrong
        payload[1] = (byte) 0xe8;
        try (RawWebSocket client = NODE.session("big-control-" + opcode)) {
            client.send(ClientFrame.of(opcode, payload));
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ClientFrame.PING, ClientFrame.PONG})
    void aFragmentedControlFrameClosesWith1002(int opcode) throws Exception {
        try (RawWebSocket client = NODE.session("fragmented-control-" + opcode)) {
            client.send(ClientFrame.of(opcode, new byte[] {1}).withFin(false));
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x7, 0xb, 0xf})
    void aReservedOpcodeClosesWith1002(int opcode) throws Exception {
        try (RawWebSocket client = NODE.session("opcode-" + opcode)) {
            client.send(ClientFrame.of(opcode, new byte[] {1, 2}));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void anUnmaskedClientFrameClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("unmasked")) {
            client.send(ClientFrame.text(ClientCommands.ping(1)).unmasked());
            assertClosedWith(client, 1002);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 2, 1})
    void aReservedBitThatNoExtensionNegotiatedClosesWith1002(int rsv) throws Exception {
        try (RawWebSocket client = NODE.session("rsv-" + rsv)) {
            client.send(ClientFrame.text(ClientCommands.ping(1)).withRsv(rsv));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aReservedBitOnAContinuationFrameClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("rsv-continuation")) {
            client.send(ClientFrame.text("{\"type\":\"ping\",").withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "\"id\":1}".getBytes(StandardCharsets.UTF_8))
                    .withRsv(2));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aReservedBitOnAPingClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("rsv-ping")) {
            client.send(ClientFrame.of(ClientFrame.PING, new byte[] {1}).withRsv(4));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void withDeflateNegotiatedACompressedCommandWorksAndADecompressionBombClosesWith1009() throws Exception {
        try (RawWebSocket client = NODE.deflateSession("deflate")) {
            client.send(ClientFrame.deflatedText(ClientCommands.ping(12).getBytes(StandardCharsets.UTF_8)));
            assertEquals("{\"type\":\"ok\",\"id\":12}", client.nextText());
            byte[] bomb = ("{\"type\":\"ping\",\"id\":13,\"pad\":\"" + " ".repeat(1 << 20) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ClientFrame compressed = ClientFrame.deflatedText(bomb);
            assertTrue(compressed.payload().length < MAX_MESSAGE / 4, "a small frame");
            client.send(compressed);
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void withDeflateNegotiatedAFrameThatIsNotDeflateClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.deflateSession("not-deflate")) {
            client.send(ClientFrame.of(ClientFrame.TEXT, new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34}).withRsv(4));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void withDeflateNegotiatedACompressedBombInFragmentsClosesWith1009() throws Exception {
        try (RawWebSocket client = NODE.deflateSession("deflate-fragments")) {
            byte[] bomb = ("{\"type\":\"ping\",\"id\":14,\"pad\":\"" + " ".repeat(1 << 20) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] compressed = ClientFrame.deflatedText(bomb).payload();
            int third = compressed.length / 3;
            client.send(ClientFrame.of(ClientFrame.TEXT, Arrays.copyOfRange(compressed, 0, third)).withRsv(4)
                    .withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, Arrays.copyOfRange(compressed, third, 2 * third))
                    .withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, Arrays.copyOfRange(compressed, 2 * third,
                    compressed.length)));
            assertClosedWith(client, 1009);
        }
    }

    @Test
    void withDeflateNegotiatedRsv1OnAContinuationClosesWith1002AndAnUncompressedCommandStillWorks() throws Exception {
        try (RawWebSocket client = NODE.deflateSession("deflate-rsv1")) {
            client.send(ClientFrame.text(ClientCommands.ping(15)));
            assertEquals("{\"type\":\"ok\",\"id\":15}", client.nextText(), "RSV1 clear: read as it is");
            byte[] ping = ClientFrame.deflatedText(ClientCommands.ping(16).getBytes(StandardCharsets.UTF_8)).payload();
            client.send(ClientFrame.of(ClientFrame.TEXT, Arrays.copyOfRange(ping, 0, 2)).withRsv(4).withFin(false));
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, Arrays.copyOfRange(ping, 2, ping.length)).withRsv(4));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aContinuationWithNothingToContinueClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("orphan")) {
            client.send(ClientFrame.of(ClientFrame.CONTINUATION, "{}".getBytes(StandardCharsets.US_ASCII)));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aNewMessageInsideAFragmentedOneClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("interleaved")) {
            client.send(ClientFrame.text("{\"type\":").withFin(false));
            client.send(ClientFrame.text(ClientCommands.ping(1)));
            assertClosedWith(client, 1002);
        }
    }

    @Test
    void aCloseFrameWithAOneByteBodyClosesWith1002() throws Exception {
        try (RawWebSocket client = NODE.session("close-body")) {
            client.send(ClientFrame.of(ClientFrame.CLOSE, new byte[] {3}));
            assertClosedWith(client, 1002);
        }
    }
}
