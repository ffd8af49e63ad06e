package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.WsTestClient;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slow consumer costs neither the node's memory nor the other sessions: several clients subscribe to one
 * topic, one of them (a raw socket with a small receive buffer) stops reading, and a publisher sends
 * {@value #PUBLICATIONS} publications of about 2 KB. The stalled client is disconnected as a slow consumer,
 * every other subscriber gets every publication in order, and the node's outbound queue for the stalled
 * one never exceeded {@code session.maxOutboundQueueBytes} by more than one publication.
 *
 * <p>The publisher keeps at most {@value #WINDOW} publications ahead of the fast subscribers (it waits for
 * them to receive older ones), so "fast" means "reads at the rate it is sent to", with no timing involved.
 */
class SlowConsumerIT {

    /** Enough to fill the kernel's socket buffers of the stalled client (up to 4 MB here) and then the budget. */
    private static final int PUBLICATIONS = 4_000;
    private static final int WINDOW = 50;
    private static final int FAST_CLIENTS = 3;
    private static final int BUDGET = 256 * 1024;
    private static final String TOPIC = "slow-consumer-it";
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private static final String PAD = "x".repeat(2_000);

    private GatewayServer node;

    @BeforeEach
    void startNode() {
        node = GatewayServer.start(new ConfigLoader().load(null, Map.of(
                "CRIER_NODE_ID", "slow-it",
                "CRIER_SERVER_PORT", "0",
                "CRIER_AUTH_HMAC_SECRET", new String(TestTokens.secret(), StandardCharsets.UTF_8),
                "CRIER_SESSION_MAX_OUTBOUND_QUEUE_BYTES", String.valueOf(BUDGET),
                "CRIER_LIMITS_COMMANDS_PER_SECOND", "100000",
                "CRIER_LIMITS_COMMAND_BURST", "100000")));
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void disconnectsTheStalledClientWhileEveryOtherSubscriberGetsEveryPublicationInOrder() throws Exception {
        List<WsTestClient> fast = new ArrayList<>();
        try (StalledClient stalled = StalledClient.subscribe(URI.create(node.webSocketUrl()), token("stalled"));
             WsTestClient publisher = authenticated("publisher")) {
            for (int i = 0; i < FAST_CLIENTS; i++) {
                WsTestClient client = authenticated("fast-" + i);
                fast.add(client);
                client.send(ClientCommands.subscribe(2, TOPIC));
                client.awaitContaining("{\"type\":\"ok\",\"id\":2}");
            }
            for (int seq = 0; seq < PUBLICATIONS; seq++) {
                publisher.send(ClientCommands.publish(seq, TOPIC, "{\"seq\":" + seq + ",\"pad\":\"" + PAD + "\"}"));
                if (seq >= WINDOW) {
                    receiveInOrder(fast, seq - WINDOW);
                }
            }
            for (int seq = PUBLICATIONS - WINDOW; seq < PUBLICATIONS; seq++) {
                receiveInOrder(fast, seq);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> disconnects("slow_consumer") == 1.0);
            assertEquals(1.0, disconnects("slow_consumer"), "only the stalled client is a slow consumer");
            assertTrue(fast.stream().noneMatch(WsTestClient::isClosed), "the fast clients are still connected");
            assertQueueStayedWithinBudget();
            assertTrue(stalled.readToEndOfStream(Duration.ofSeconds(30)), "the stalled client was closed");
            assertTrue(stalled.receivedInOrderFromZero() > 0, "it received a prefix of the publications, in order");
        } finally {
            fast.forEach(WsTestClient::close);
        }
    }

    private void assertQueueStayedWithinBudget() {
        int onePublication = ("{\"type\":\"message\",\"topic\":\"" + TOPIC + "\",\"data\":{\"seq\":" + PUBLICATIONS
                + ",\"pad\":\"" + PAD + "\"}}").length();
        // Netty counts a write handed over from another thread with a small fixed overhead (32 bytes).
        int writeOverhead = 64;
        double maxQueued = node.meters().get("crier.outbound.queued.max.bytes").gauge().value();
        assertTrue(maxQueued <= BUDGET + onePublication + writeOverhead,
                "queued " + maxQueued + " > budget " + BUDGET + " + one publication " + onePublication);
        assertTrue(maxQueued > BUDGET, "the stalled client's queue did reach the budget: " + maxQueued);
    }

    private static void receiveInOrder(List<WsTestClient> clients, int expected) throws InterruptedException {
        for (WsTestClient client : clients) {
            String message = client.awaitContaining("\"type\":\"message\"");
            Matcher seq = SEQ.matcher(message);
            assertTrue(seq.find(), message);
            assertEquals(expected, Integer.parseInt(seq.group(1)), "publications arrive in order");
        }
    }

    private double disconnects(String reason) {
        Counter counter = node.meters().find("crier.disconnects").tag("reason", reason).counter();
        return counter == null ? 0.0 : counter.count();
    }

    private WsTestClient authenticated(String user) throws Exception {
        WsTestClient client = WsTestClient.connectWithBearer(URI.create(node.webSocketUrl()), token(user));
        client.awaitContaining("\"type\":\"welcome\"");
        return client;
    }

    private static String token(String user) {
        return TestTokens.hs256(TestTokens.secret(), user, List.of("*"), List.of("*"), Duration.ofMinutes(5));
    }

    /**
     * A WebSocket client on a raw socket with a small receive buffer that subscribes and then stops reading,
     * so that the server's writes back up. Not thread-safe.
     */
    private static final class StalledClient implements AutoCloseable {

        private final Socket socket = new Socket();
        private final ByteArrayOutputStream unread = new ByteArrayOutputStream();

        static StalledClient subscribe(URI uri, String token) throws IOException {
            StalledClient client = new StalledClient();
            client.socket.setReceiveBufferSize(4096);
            client.socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            client.socket.setSoTimeout(10_000);
            OutputStream out = client.socket.getOutputStream();
            out.write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = client.readHead();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            out.write(maskedText(ClientCommands.subscribe(2, TOPIC)));
            out.flush();
            while (!client.nextText().equals("{\"type\":\"ok\",\"id\":2}")) {
                // the welcome push comes first
            }
            return client;
        }

        /** Reads what the server sent until it closed the connection; whether it did within {@code timeout}. */
        boolean readToEndOfStream(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            while (System.nanoTime() < deadline) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketException reset) {
                    return true; // a reset also ends the connection
                }
                if (n < 0) {
                    return true;
                }
                unread.write(chunk, 0, n);
            }
            return false;
        }

        /** How many publications the bytes read contain, after checking they count up from 0. */
        int receivedInOrderFromZero() {
            ByteBuffer bytes = ByteBuffer.wrap(unread.toByteArray());
            int expected = 0;
            while (true) {
                String text = parseText(bytes);
                if (text == null) {
                    return expected;
                }
                Matcher seq = SEQ.matcher(text);
                if (text.contains("\"type\":\"message\"") && seq.find()) {
                    assertEquals(expected, Integer.parseInt(seq.group(1)));
                    expected++;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private String readHead() throws IOException {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString();
        }

        private String nextText() throws IOException {
            InputStream in = socket.getInputStream();
            int first = in.read();
            int length = in.read() & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            }
            byte[] payload = in.readNBytes(length);
            assertEquals(0x81, first, "a final text frame");
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The next complete text frame's text, or null when no complete frame is left. */
        private static String parseText(ByteBuffer bytes) {
            if (bytes.remaining() < 2) {
                return null;
            }
            bytes.mark();
            bytes.get();
            long length = bytes.get() & 0x7f;
            if (length == 126 && bytes.remaining() >= 2) {
                length = bytes.getShort() & 0xffff;
            } else if (length == 127 && bytes.remaining() >= 8) {
                length = bytes.getLong();
            }
            if (length > bytes.remaining()) {
                bytes.reset();
                return null;
            }
            byte[] payload = new byte[(int) length];
            bytes.get(payload);
            return new String(payload, StandardCharsets.UTF_8);
        }

        private static byte[] maskedText(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            ByteBuffer frame = ByteBuffer.allocate(2 + 4 + payload.length);
            frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.put((byte) (payload[i] ^ mask[i % 4]));
            }
            return frame.array();
        }
    }
}
