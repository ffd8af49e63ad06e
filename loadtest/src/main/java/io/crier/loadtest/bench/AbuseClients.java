package io.crier.loadtest.bench;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.ClientFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The abusive clients of the abuse mode that send too much: command floods (expected close 4502), messages over
 * the size limit in many fragments (1009), deflate bombs over permessage-deflate (1009), and a burst of upgrade
 * requests with a header over the handshake limit (HTTP 431). Each case runs its clients at once, one blocking
 * socket each; a client writes its abuse on a second thread while it reads what the node answers, so that a
 * write the node cuts short never blocks the run. Every read waits at most {@link #CLIENT_TIMEOUT}.
 *
 * <p>The abuse bytes are built once per run. Thread-safe: each case waits for all of its clients.
 */
final class AbuseClients implements AutoCloseable {

    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    /** Commands each flooder sends at once: far past the node's default bucket (100) plus its flood run (50). */
    private static final int FLOOD_COMMANDS = 1_000;
    /** An oversized message: 1 MiB in 4 KiB fragments, 16 times the node's default message limit. */
    private static final int FRAGMENT_BYTES = 4 * 1024;
    private static final int FRAGMENTS = 256;
    /** A deflate bomb: 10 MiB of zeros, about 10 KB on the wire. */
    private static final int BOMB_BYTES = 10 * 1024 * 1024;
    /** An upgrade request header of 32 KiB, four times the node's default handshake limit. */
    private static final int BIG_HEADER_BYTES = 32 * 1024;

    private final URI url;
    private final String run;
    private final byte[] secret;
    private final ExecutorService threads = Executors.newCachedThreadPool(daemon());
    private final byte[] flood;
    private final byte[] fragments = fragmentedMessage();
    private final byte[] bomb = ClientFrame.deflatedText(new byte[BOMB_BYTES]).encode();
    private final byte[] bigHeader;

    AbuseClients(URI url, String secret, String run) {
        this.url = url;
        this.run = run;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.flood = flood(new CommandFrames());
        this.bigHeader = RawClient.upgradeRequest(url, "X-Filler: " + "f".repeat(BIG_HEADER_BYTES) + "\r\n");
    }

    /** Clients that authenticate, then send {@value #FLOOD_COMMANDS} pings at once. */
    CaseResult flood(int clients) throws InterruptedException {
        return run("flood", clients, "close 4502", i -> end(upgraded("flood-" + i, ""), flood));
    }

    /** Clients that authenticate, then send a 1 MiB text message in 4 KiB fragments. */
    CaseResult oversized(int clients) throws InterruptedException {
        return run("oversized", clients, "close 1009", i -> end(upgraded("big-" + i, ""), fragments));
    }

    /** Clients that negotiate permessage-deflate, then send 10 MiB of zeros deflated into one frame. */
    CaseResult bombs(int clients) throws InterruptedException {
        return run("deflate bomb", clients, "close 1009",
                i -> end(upgraded("bomb-" + i, "Sec-WebSocket-Extensions: permessage-deflate\r\n"), bomb));
    }

    /** Upgrade requests with a 32 KiB header, all at once: each is answered with an HTTP status and closed. */
    CaseResult bigHeaders(int clients) throws InterruptedException {
        return run("big headers", clients, "http 431", i -> {
            try (RawClient client = RawClient.connect(url, 0, CLIENT_TIMEOUT)) {
                CompletableFuture<Boolean> written = writeAsync(client, bigHeader);
                String head = client.readHead();
                int end = client.readToEnd(System.nanoTime() + CLIENT_TIMEOUT.toNanos());
                awaitWrite(written);
                return head == null ? CaseResult.end(end) : "http " + RawClient.status(head);
            }
        });
    }

    private static boolean negotiated(String head) {
        return head.toLowerCase(Locale.ROOT).contains("sec-websocket-extensions: permessage-deflate");
    }

    /**
     * Runs {@code clients} at once, each giving how its connection ended; waits for all of them, at most twice
     * the client timeout. The node's count is filled in by the caller.
     */
    private CaseResult run(String name, int clients, String expected, Client client) throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> all = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            int index = i;
            all.add(CompletableFuture.runAsync(() -> seen.merge(ended(client, index), 1, Integer::sum), threads));
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(CLIENT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            seen.merge("not finished: " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
        return new CaseResult(name, clients, expected, seen, 0, (System.nanoTime() - start) / 1e9);
    }

    private static String ended(Client client, int index) {
        try {
            return client.run(index);
        } catch (IOException e) {
            return "error " + e.getClass().getSimpleName();
        }
    }

    /** Whether the node negotiates permessage-deflate (compression.enabled); without it there are no bombs. */
    boolean offersDeflate() throws IOException {
        RawClient client = upgraded("deflate-check", "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        if (client == null) {
            return false;
        }
        client.close();
        return true;
    }

    /** One abusive client: how its connection ended. */
    private interface Client {
        String run(int index) throws IOException;
    }

    /**
     * A client upgraded with a token of its own ({@code Authorization: Bearer}) that has read its
     * {@code welcome}; null when the upgrade was refused or, with {@code extraHeaders} asking for an extension,
     * the extension was not negotiated.
     */
    private RawClient upgraded(String user, String extraHeaders) throws IOException {
        String token = TestTokens.hs256(secret, "abuse-" + run + "-" + user, List.of("bench.*"), null,
                Duration.ofHours(1));
        RawClient client = RawClient.connect(url, 0, CLIENT_TIMEOUT);
        try {
            client.write(RawClient.upgradeRequest(url, "Authorization: Bearer " + token + "\r\n" + extraHeaders));
            String head = client.readHead();
            boolean upgraded = RawClient.status(head) == 101 && (extraHeaders.isEmpty() || negotiated(head));
            if (upgraded && client.awaitText("\"type\":\"welcome\"")) {
                return client;
            }
        } catch (IOException e) {
            client.close();
            throw e;
        }
        client.close();
        return null;
    }

    /** Writes {@code abuse} while reading to the end of the stream; how the connection ended. */
    private String end(RawClient upgraded, byte[] abuse) {
        if (upgraded == null) {
            return "upgrade failed";
        }
        try (RawClient client = upgraded) {
            CompletableFuture<Boolean> written = writeAsync(client, abuse);
            int end = client.readToEnd(System.nanoTime() + CLIENT_TIMEOUT.toNanos());
            awaitWrite(written);
            return CaseResult.end(end);
        } catch (IOException e) {
            return "error " + e.getClass().getSimpleName();
        }
    }

    private CompletableFuture<Boolean> writeAsync(RawClient client, byte[] bytes) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.write(bytes);
                return true;
            } catch (IOException e) {
                // The node closed the connection while the abuse was still being written: the expected end.
                return false;
            }
        }, threads);
    }

    /** Waits for a write to end; the socket is closed by then or soon after, which ends any write. */
    private static void awaitWrite(CompletableFuture<Boolean> written) {
        try {
            written.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A write still blocked is ended by the socket's close right after; the end was already seen.
            Bench.say("an abusive write did not end: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] flood(CommandFrames frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(FLOOD_COMMANDS * 32);
        for (int i = 0; i < FLOOD_COMMANDS; i++) {
            out.writeBytes(ClientFrame.of(ClientFrame.TEXT, frames.ping(100 + i)).encode());
        }
        return out.toByteArray();
    }

    private static byte[] fragmentedMessage() {
        byte[] chunk = new byte[FRAGMENT_BYTES];
        Arrays.fill(chunk, (byte) 'x');
        ByteArrayOutputStream out = new ByteArrayOutputStream(FRAGMENTS * (FRAGMENT_BYTES + 14));
        for (int i = 0; i < FRAGMENTS; i++) {
            int opcode = i == 0 ? ClientFrame.TEXT : ClientFrame.CONTINUATION;
            out.writeBytes(ClientFrame.of(opcode, chunk).withFin(i == FRAGMENTS - 1).encode());
        }
        return out.toByteArray();
    }

    private static ThreadFactory daemon() {
        return task -> {
            Thread thread = new Thread(task, "abuse-client");
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
