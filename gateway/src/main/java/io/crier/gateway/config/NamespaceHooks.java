package io.crier.gateway.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Which proxy hooks the topics (and {@code rpc} methods) of one namespace go through: for each of subscribe,
 * publish and rpc, {@value #OFF}, {@value #ON} (the node-wide {@code proxy.<hook>.url}) or a URL of the namespace's
 * own. The options {@code namespace.<name>.proxySubscribe}, {@code proxyPublish} and {@code proxyRpc}. Immutable and
 * thread-safe.
 */
public record NamespaceHooks(String subscribe, String publish, String rpc) {

    /** The hook is not called. */
    public static final String OFF = "off";
    /** The hook is called at the node-wide URL. */
    public static final String ON = "on";
    /** Every hook off. */
    public static final NamespaceHooks NONE = new NamespaceHooks(OFF, OFF, OFF);

    public NamespaceHooks {
        Objects.requireNonNull(subscribe, "subscribe");
        Objects.requireNonNull(publish, "publish");
        Objects.requireNonNull(rpc, "rpc");
    }

    /**
     * The URL a hook set to {@code value} calls, given the node-wide URL {@code nodeUrl}; empty when the hook is
     * off (or on with no node-wide URL, which the configuration refuses at startup).
     */
    public static Optional<String> url(String value, String nodeUrl) {
        if (OFF.equals(value)) {
            return Optional.empty();
        }
        String url = ON.equals(value) ? nodeUrl : value;
        return url.isEmpty() ? Optional.empty() : Optional.of(url);
    }

    /** Reports each option that is neither off, on nor an http(s) URL, under {@code keyPrefix} plus its name. */
    static void check(ConfigProblems problems, String keyPrefix, NamespaceHooks hooks) {
        check(problems, keyPrefix + "proxySubscribe", hooks.subscribe());
        check(problems, keyPrefix + "proxyPublish", hooks.publish());
        check(problems, keyPrefix + "proxyRpc", hooks.rpc());
    }

    private static void check(ConfigProblems problems, String key, String value) {
        problems.check(OFF.equals(value) || ON.equals(value) || ProxyConfig.isHookUrl(value), key,
                "must be off, on or an http(s) URL");
    }

    /**
     * Reports each option that is {@code on} while its node-wide URL is empty; {@code keyPrefix} names the
     * namespace's keys.
     */
    void checkOn(ConfigProblems problems, String keyPrefix, ProxyConfig proxy) {
        problems.check(!ON.equals(subscribe) || !proxy.subscribeUrl().isEmpty(), keyPrefix + "proxySubscribe",
                "is on but proxy.subscribe.url is empty");
        problems.check(!ON.equals(publish) || !proxy.publishUrl().isEmpty(), keyPrefix + "proxyPublish",
                "is on but proxy.publish.url is empty");
        problems.check(!ON.equals(rpc) || !proxy.rpcUrl().isEmpty(), keyPrefix + "proxyRpc",
                "is on but proxy.rpc.url is empty");
    }
}
