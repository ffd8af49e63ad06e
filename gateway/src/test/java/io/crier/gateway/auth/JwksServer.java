package io.crier.gateway.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real local HTTP server (JDK {@code com.sun.net.httpserver}, port 0) that serves a JWKS document the test
 * can change at any time, with a chosen status, and counts the requests. It can also answer with a redirect
 * to a second document it serves at {@link #redirectTarget()}, with a chunked body (no length announced), or
 * with half a body and then nothing until it is closed. Thread-safe.
 */
public final class JwksServer implements AutoCloseable {

    private static final String PATH = "/.well-known/jwks.json";
    private static final String TARGET_PATH = "/moved/jwks.json";

    /** How the next requests are answered. */
    private enum Mode { PLAIN, CHUNKED, REDIRECT, STALL }

    private final HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicReference<String> targetBody = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PLAIN);
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger targetRequests = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    // A stalled exchange holds its thread until close(); the others must still be answered meanwhile.
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jwks-server");
        thread.setDaemon(true);
        return thread;
    });

    private JwksServer(HttpServer server) {
        this.server = server;
        server.createContext(PATH, exchange -> {
            requests.incrementAndGet();
            answer(exchange);
        });
        server.createContext(TARGET_PATH, exchange -> {
            targetRequests.incrementAndGet();
            send(exchange, 200, targetBody.get(), false);
        });
        server.setExecutor(threads);
        server.start();
    }

    /** Starts a server on a free port of the loopback address, serving {@code jwks}. */
    public static JwksServer start(String jwks) throws IOException {
        JwksServer server = new JwksServer(HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 16));
        server.serve(jwks);
        return server;
    }

    /** From now on, answers 200 with this document. */
    public void serve(String jwks) {
        body.set(jwks);
        status.set(200);
        mode.set(Mode.PLAIN);
    }

    /** From now on, answers 200 with this document in chunks, without a {@code Content-Length}. */
    public void serveChunked(String jwks) {
        serve(jwks);
        mode.set(Mode.CHUNKED);
    }

    /** From now on, answers this status (with the current document as the body). */
    public void answerStatus(int code) {
        status.set(code);
    }

    /** From now on, answers {@code code} (a 3xx) pointing at {@link #redirectTarget()}, which serves {@code jwks}. */
    public void redirect(int code, String jwks) {
        targetBody.set(jwks);
        status.set(code);
        mode.set(Mode.REDIRECT);
    }

    /** From now on, announces the current document, sends half of it, and sends nothing more until closed. */
    public void stall() {
        mode.set(Mode.STALL);
    }

    /** The JWKS URL. */
    public URI uri() {
        return URI.create(base() + PATH);
    }

    /** Where a redirect points. */
    public URI redirectTarget() {
        return URI.create(base() + TARGET_PATH);
    }

    /** How many requests the server has answered at {@link #uri()}. */
    public int requests() {
        return requests.get();
    }

    /** How many requests reached {@link #redirectTarget()}. */
    public int targetRequests() {
        return targetRequests.get();
    }

    /** Stops the server at once (a later fetch cannot connect), releasing any stalled answer. */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        switch (mode.get()) {
            case REDIRECT -> {
                exchange.getResponseHeaders().set("Location", redirectTarget().toString());
                send(exchange, status.get(), "", false);
            }
            case CHUNKED -> send(exchange, status.get(), body.get(), true);
            case STALL -> stallAnswer(exchange);
            default -> send(exchange, status.get(), body.get(), false);
        }
    }

    private void stallAnswer(HttpExchange exchange) throws IOException {
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        try {
            closing.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            // close() interrupts the server's threads: the stalled answer simply ends.
            Thread.currentThread().interrupt();
        }
        exchange.close();
    }

    private static void send(HttpExchange exchange, int code, String text, boolean chunked) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, chunked ? 0 : bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int from = 0; from < bytes.length; from += 8192) {
                out.write(bytes, from, Math.min(8192, bytes.length - from));
            }
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
