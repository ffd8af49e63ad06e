package io.crier.gateway.proxy;

import io.crier.gateway.config.NamespaceHooks;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.ProxyConfig;
import io.crier.protocol.HookKind;
import io.crier.protocol.HookRequest;
import io.crier.protocol.RawJson;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The proxy hooks of one node: which are on, the URL each call goes to (node-wide, or per namespace for subscribe,
 * publish and rpc: {@link NamespaceHooks}), and the {@link HookClient} that makes the calls. {@link #OFF} has every
 * hook off and makes no calls. Immutable apart from the client; thread-safe.
 */
public final class ProxyHooks {

    /** No hook is on: sessions and auth work as without a backend. */
    public static final ProxyHooks OFF = new ProxyHooks();

    private final ProxyConfig config;
    private final NamespacesConfig namespaces;
    private final String nodeId;
    private final HookClient client;
    private final boolean sessionHooks;

    public ProxyHooks(ProxyConfig config, NamespacesConfig namespaces, String nodeId, HookClient client) {
        this.config = Objects.requireNonNull(config, "config");
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.client = Objects.requireNonNull(client, "client");
        this.sessionHooks = Stream.concat(Stream.of(namespaces.defaults()), namespaces.byName().values().stream())
                .map(NamespaceOptions::hooks)
                .anyMatch(hooks -> NamespaceHooks.url(hooks.subscribe(), config.subscribeUrl()).isPresent()
                        || NamespaceHooks.url(hooks.publish(), config.publishUrl()).isPresent()
                        || NamespaceHooks.url(hooks.rpc(), config.rpcUrl()).isPresent());
    }

    private ProxyHooks() {
        this.config = null;
        this.namespaces = null;
        this.nodeId = "";
        this.client = null;
        this.sessionHooks = false;
    }

    /**
     * Whether a session's subscribe, publish or rpc command may go through a hook in some namespace; when none can,
     * sessions need no {@link SessionHooks} of their own ({@link SessionHooks#NONE} answers the same).
     */
    public boolean sessionHooksEnabled() {
        return sessionHooks;
    }

    /** Whether an {@code auth} without a token goes to the connect hook. */
    public boolean connectEnabled() {
        return config != null && !config.connectUrl().isEmpty();
    }

    /** Whether connect-hook sessions are renewed by the refresh hook. */
    public boolean refreshEnabled() {
        return config != null && !config.refreshUrl().isEmpty();
    }

    /** Asks the connect hook about a client whose {@code auth} carried {@code data} (null: none). */
    public CompletableFuture<HookAnswer> connect(RawJson data, Map<String, String> headers) {
        return client.call(URI.create(config.connectUrl()), new HookRequest.Connect(nodeId, data), headers);
    }

    /** Asks the refresh hook whether {@code user}'s session {@code session} may stay, and until when. */
    CompletableFuture<HookAnswer> refresh(String session, String user, Map<String, String> headers) {
        return client.call(URI.create(config.refreshUrl()), new HookRequest.Refresh(nodeId, session, user), headers);
    }

    /**
     * The URL of the {@code kind} hook (subscribe, publish or rpc) for {@code name}, a topic or an rpc method, by
     * the options of its namespace; empty when that hook is off there.
     */
    Optional<URI> urlFor(HookKind kind, String name) {
        if (config == null) {
            return Optional.empty();
        }
        NamespaceHooks hooks = namespaces.optionsFor(name).hooks();
        Optional<String> url = switch (kind) {
            case SUBSCRIBE -> NamespaceHooks.url(hooks.subscribe(), config.subscribeUrl());
            case PUBLISH -> NamespaceHooks.url(hooks.publish(), config.publishUrl());
            case RPC -> NamespaceHooks.url(hooks.rpc(), config.rpcUrl());
            default -> Optional.empty();
        };
        return url.map(URI::create);
    }

    /** Posts {@code request} to {@code url}. */
    CompletableFuture<HookAnswer> call(URI url, HookRequest request, Map<String, String> headers) {
        return client.call(url, request, headers);
    }

    /** Counts a {@code kind} call refused by a session's bound; its answer. */
    HookAnswer busy(HookKind kind) {
        return client.busy(kind);
    }

    /** This node's id, as hook requests carry it. */
    String nodeId() {
        return nodeId;
    }

    /** The most hook calls one session may have in flight. */
    int maxInFlightPerSession() {
        return config == null ? 1 : config.maxInFlightPerSession();
    }

    /**
     * The reconnect delay hint for a client whose connect hook failed: random between half of
     * {@code proxy.connectRetryDelayMax} and all of it, so that a backend outage does not bring every client back
     * at once.
     */
    public long connectRetryDelayMillis() {
        long max = config.connectRetryDelayMax().toMillis();
        return ThreadLocalRandom.current().nextLong(max / 2, max + 1);
    }
}
