package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One JWKS download against a real local HTTP server: the size cap at its exact bound (with and without a
 * {@code Content-Length}), redirects not followed, and the deadline on a server that stops mid-answer.
 */
class JwksFetcherTest {

    private JwksServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aDocumentOfExactly256KiBIsReadAndOneByteMoreIsRefused() throws Exception {
        assertEquals(256 * 1024, JwksFetcher.MAX_BYTES);
        server = JwksServer.start(document(JwksFetcher.MAX_BYTES));
        JwksFetcher fetcher = new JwksFetcher(server.uri(), Duration.ofSeconds(10));

        assertEquals(JwksFetcher.MAX_BYTES, fetcher.fetch().length);

        server.serve(document(JwksFetcher.MAX_BYTES + 1));
        IOException announced = assertThrows(IOException.class, fetcher::fetch);
        assertTrue(announced.getMessage().contains("larger than"), announced.getMessage());
    }

    @Test
    void aChunkedDocumentThatNeverAnnouncesItsLengthIsCutOffAtTheCapToo() throws Exception {
        server = JwksServer.start("{}");
        JwksFetcher fetcher = new JwksFetcher(server.uri(), Duration.ofSeconds(10));

        server.serveChunked(document(JwksFetcher.MAX_BYTES));
        assertEquals(JwksFetcher.MAX_BYTES, fetcher.fetch().length);

        server.serveChunked(document(4 * JwksFetcher.MAX_BYTES));
        IOException chunked = assertThrows(IOException.class, fetcher::fetch);
        assertTrue(chunked.getMessage().contains("larger than"), chunked.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 303, 307, 308})
    void aRedirectFailsTheFetchAndItsTargetIsNeverAsked(int status) throws Exception {
        server = JwksServer.start("{}");
        server.redirect(status, TestTokens.jwks(TestTokens.jwk("moved", TestTokens.rsaKeyPair().getPublic(), null)));

        IOException refused = assertThrows(IOException.class,
                () -> new JwksFetcher(server.uri(), Duration.ofSeconds(10)).fetch());

        assertEquals("HTTP status " + status, refused.getMessage());
        assertEquals(1, server.requests());
        assertEquals(0, server.targetRequests(), "the redirect's target was never requested");
    }

    @Test
    void aServerThatStopsMidAnswerIsCutOffAtTheDeadline() throws Exception {
        assertEquals(Duration.ofSeconds(10), JwksKeySource.FETCH_DEADLINE, "the deadline docs/security.md states");
        server = JwksServer.start(document(64 * 1024));
        server.stall();
        Duration deadline = Duration.ofMillis(500);
        long start = System.nanoTime();

        assertThrows(IOException.class, () -> new JwksFetcher(server.uri(), deadline).fetch());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(deadline.minusMillis(50)) >= 0, "waited for the deadline: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "gave up soon after the deadline: " + took);
    }

    /** A valid JSON document of exactly {@code bytes} ASCII bytes. */
    private static String document(int bytes) {
        String head = "{\"keys\":[],\"pad\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }
}
