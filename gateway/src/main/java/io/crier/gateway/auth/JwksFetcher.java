package io.crier.gateway.auth;

import io.crier.gateway.httpclient.BoundedBody;
import io.crier.protocol.JwksCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads one JWKS document with the JDK's {@link HttpClient}: a connect timeout, a deadline on the whole
 * exchange (a server that trickles its body is cut off too), no redirects, status 200 only, and at most
 * {@value #MAX_BYTES} bytes. Thread-safe; {@link #fetch()} blocks up to the deadline.
 */
final class JwksFetcher {

    /** The most the codec reads: no use downloading more. */
    static final int MAX_BYTES = JwksCodec.MAX_BYTES;

    private final URI uri;
    private final Duration deadline;
    private final HttpClient http;

    JwksFetcher(URI uri, Duration deadline) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.http = HttpClient.newBuilder()
                .connectTimeout(deadline)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * The document's bytes, as sent: the codec, not this fetcher, decides whether they are UTF-8.
     *
     * @throws IOException when the server is unreachable, answers another status than 200, sends more
     *                     than {@value #MAX_BYTES} bytes, or does not finish within the deadline
     */
    byte[] fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(deadline)
                .header("Accept", "application/jwk-set+json, application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, this::body);
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new IOException("no complete answer within " + deadline.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP status " + response.statusCode());
        }
        return response.body();
    }

    /** {@link #uri} without user info or query, which may carry credentials, for logs. */
    String describe() {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private HttpResponse.BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            // The status alone fails the fetch; the body is not worth reading.
            return HttpResponse.BodySubscribers.replacing(new byte[0]);
        }
        return new BoundedBody(MAX_BYTES);
    }
}
