package io.crier.gateway.auth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real local HTTP server (JDK {@code com.sun.net.httpserver}, port 0) that serves a JWKS document the test
 * can change at any time, with a chosen status, and counts the requests. Thread-safe.
 */
public final class JwksServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicReference<String> body = new AtomicReference<>("{\"keys\":[]}");
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();

    private JwksServer(HttpServer server) {
        this.server = server;
        server.createContext("/.well-known/jwks.json", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
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
    }

    /** From now on, answers this status (with the current document as the body). */
    public void answerStatus(int code) {
        status.set(code);
    }

    /** The JWKS URL. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    }

    /** How many requests the server has answered. */
    public int requests() {
        return requests.get();
    }

    /** Stops the server at once (a later fetch cannot connect). */
    @Override
    public void close() {
        server.stop(0);
    }
}
