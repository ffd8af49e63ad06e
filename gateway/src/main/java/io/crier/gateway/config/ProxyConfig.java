package io.crier.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The proxy hooks: the backend URLs a node posts to before it lets a connection, a subscription, a publication, a
 * renewal or an {@code rpc} command through (PROTOCOL.md §16), and the bounds on those calls. Which namespaces use
 * the subscribe, publish and rpc hooks is a namespace option ({@link NamespaceHooks}). The constructor validates
 * and reports every bad field by key. Immutable and thread-safe.
 *
 * @param connectUrl            {@code proxy.connect.url}: asked for every {@code auth} command without a token;
 *                              empty: off
 * @param refreshUrl            {@code proxy.refresh.url}: asked when a connect-hook session's expiry nears; empty: off
 * @param subscribeUrl          {@code proxy.subscribe.url}: the URL of namespaces whose {@code proxySubscribe} is on
 * @param publishUrl            {@code proxy.publish.url}: the URL of namespaces whose {@code proxyPublish} is on
 * @param rpcUrl                {@code proxy.rpc.url}: the URL of namespaces whose {@code proxyRpc} is on
 * @param timeout               {@code proxy.timeout}: the longest a hook call may take, 10ms..1m
 * @param maxInFlight           {@code proxy.maxInFlight}: the most hook calls in flight on this node, 1..100000; one
 *                              more fails at once (the bulkhead)
 * @param maxInFlightPerSession {@code proxy.maxInFlightPerSession}: the most hook calls one session may have in
 *                              flight, 1..1000, so that one client cannot take the node's whole bulkhead
 * @param maxResponseBytes      {@code proxy.maxResponseBytes}: the largest response body read, 256..16777216
 * @param headers               {@code proxy.headers}: the upgrade request's headers forwarded to every hook call
 *                              (an allowlist, lower case, for example {@code cookie}); none by default
 * @param connectRetryDelayMax  {@code proxy.connectRetryDelayMax}: when the connect hook fails, the client is told to
 *                              come back after a random delay between half of this and this, 1s..10m
 */
public record ProxyConfig(String connectUrl, String refreshUrl, String subscribeUrl, String publishUrl, String rpcUrl,
                          Duration timeout, int maxInFlight, int maxInFlightPerSession, int maxResponseBytes,
                          List<String> headers, Duration connectRetryDelayMax) {

    /** Headers that are never forwarded: they describe the hop or the upgrade, not the client. */
    private static final List<String> HOP_HEADERS = List.of("connection", "content-length", "host", "upgrade",
            "transfer-encoding", "expect", "keep-alive", "te", "trailer", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions");

    /** @throws InvalidConfigException listing every bad field */
    public ProxyConfig {
        headers = headers.stream().map(name -> name.toLowerCase(Locale.ROOT)).distinct().toList();
        ConfigProblems problems = new ConfigProblems();
        checkUrl(problems, "proxy.connect.url", connectUrl);
        checkUrl(problems, "proxy.refresh.url", refreshUrl);
        checkUrl(problems, "proxy.subscribe.url", subscribeUrl);
        checkUrl(problems, "proxy.publish.url", publishUrl);
        checkUrl(problems, "proxy.rpc.url", rpcUrl);
        problems.range("proxy.timeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(1));
        problems.range("proxy.maxInFlight", maxInFlight, 1, 100_000);
        problems.range("proxy.maxInFlightPerSession", maxInFlightPerSession, 1, 1000);
        problems.range("proxy.maxResponseBytes", maxResponseBytes, 256, 16_777_216);
        problems.range("proxy.connectRetryDelayMax", connectRetryDelayMax, Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        for (String name : headers) {
            problems.check(name.matches("[a-z0-9!#$%&'*+.^_`|~-]{1,64}") && !HOP_HEADERS.contains(name),
                    "proxy.headers", "must be header names (1 to 64 token characters) other than hop-by-hop or "
                            + "WebSocket headers, got " + name);
        }
        problems.check(refreshUrl.isEmpty() || !connectUrl.isEmpty(), "proxy.refresh.url",
                "needs proxy.connect.url: only connect-hook sessions are refreshed by the hook");
        problems.throwIfAny();
    }

    /** The URL configured for a hook, or empty when it is off. */
    public static Optional<URI> uri(String url) {
        return url.isEmpty() ? Optional.empty() : Optional.of(URI.create(url));
    }

    /**
     * Whether {@code url} is an absolute {@code http} or {@code https} URL with a host; the rule every hook URL
     * follows, per namespace too.
     */
    static boolean isHookUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void checkUrl(ConfigProblems problems, String key, String url) {
        problems.check(url != null && (url.isEmpty() || isHookUrl(url)), key,
                "must be empty or an http(s) URL with a host and no user info");
    }
}
