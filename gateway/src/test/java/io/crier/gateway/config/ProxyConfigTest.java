package io.crier.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code proxy.*} keys and the per-namespace hook options: read, inherited, and every bad value listed. */
class ProxyConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @TempDir
    Path dir;

    @Test
    void everyHookIsOffByDefault() {
        CrierConfig config = loader.defaults();
        assertEquals(new ProxyConfig("", "", "", "", "", Duration.ofSeconds(3), 256, 4, 65536, List.of(),
                Duration.ofSeconds(10)), config.proxy());
        assertEquals(NamespaceHooks.NONE, config.namespaces().defaults().hooks());
    }

    @Test
    void readsTheKeysAndLowerCasesTheForwardedHeaders() {
        ProxyConfig proxy = loader.load(null, Map.of("CRIER_PROXY_CONNECT_URL", "https://app.internal/connect",
                "CRIER_PROXY_HEADERS", "Cookie, X-Real-IP,cookie", "CRIER_PROXY_TIMEOUT", "250ms")).proxy();
        assertEquals("https://app.internal/connect", proxy.connectUrl());
        assertEquals(List.of("cookie", "x-real-ip"), proxy.headers());
        assertEquals(Duration.ofMillis(250), proxy.timeout());
    }

    @Test
    void namespaceHooksInheritTheDefaultsAndResolveOnToTheNodeWideUrl() throws IOException {
        Path file = write("namespaces.default.proxyRpc=on\nnamespace.orders.proxySubscribe=http://orders:9000/s\n"
                + "namespace.chat.proxyPublish=on\n");
        CrierConfig config = loader.load(file, Map.of("CRIER_PROXY_RPC_URL", "http://app/rpc",
                "CRIER_PROXY_PUBLISH_URL", "http://app/publish"));
        NamespaceHooks orders = config.namespaces().optionsFor("orders:1").hooks();
        assertEquals(new NamespaceHooks("http://orders:9000/s", "off", "on"), orders);
        assertEquals(Optional.of("http://app/rpc"), NamespaceHooks.url(orders.rpc(), config.proxy().rpcUrl()));
        assertEquals(Optional.empty(), NamespaceHooks.url(orders.publish(), config.proxy().publishUrl()));
        assertEquals(new NamespaceHooks("off", "on", "on"), config.namespaces().optionsFor("chat:1").hooks());
    }

    @Test
    void listsEveryBadProxyValueAtOnce() throws IOException {
        Path file = write("namespace.orders.proxySubscribe=maybe\nnamespace.chat.proxyPublish=on\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of(
                "CRIER_PROXY_CONNECT_URL", "ftp://app/connect",
                "CRIER_PROXY_RPC_URL", "http://user:pw@app/rpc",
                "CRIER_PROXY_TIMEOUT", "0",
                "CRIER_PROXY_MAX_IN_FLIGHT", "0",
                "CRIER_PROXY_HEADERS", "Cookie,Upgrade,bad header")));
        assertEquals(List.of(
                "namespace.orders.proxySubscribe: must be off, on or an http(s) URL",
                "proxy.connect.url (CRIER_PROXY_CONNECT_URL): must be empty or an http(s) URL with a host and no user "
                        + "info",
                "proxy.rpc.url (CRIER_PROXY_RPC_URL): must be empty or an http(s) URL with a host and no user info",
                "proxy.timeout (CRIER_PROXY_TIMEOUT): must be 10ms..1m, got 0",
                "proxy.maxInFlight (CRIER_PROXY_MAX_IN_FLIGHT): must be 1..100000, got 0",
                "proxy.headers (CRIER_PROXY_HEADERS): must be header names (1 to 64 token characters) other than "
                        + "hop-by-hop or WebSocket headers, got upgrade",
                "proxy.headers (CRIER_PROXY_HEADERS): must be header names (1 to 64 token characters) other than "
                        + "hop-by-hop or WebSocket headers, got bad header"), e.problems());
    }

    @Test
    void aHookThatIsOnNeedsItsNodeWideUrlAndRefreshNeedsConnect() throws IOException {
        Path file = write("namespace.chat.proxyPublish=on\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of(
                "CRIER_PROXY_REFRESH_URL", "http://app/refresh")));
        assertEquals(List.of(
                "proxy.refresh.url (CRIER_PROXY_REFRESH_URL): needs proxy.connect.url: only connect-hook sessions are "
                        + "refreshed by the hook"), e.problems());
        InvalidConfigException on = assertThrows(InvalidConfigException.class, () -> loader.load(file, Map.of()));
        assertEquals(List.of("namespace.chat.proxyPublish: is on but proxy.publish.url is empty"), on.problems());
    }

    private Path write(String properties) throws IOException {
        Path file = dir.resolve("crier.properties");
        Files.writeString(file, properties, StandardCharsets.UTF_8);
        return file;
    }
}
