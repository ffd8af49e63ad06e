package io.crier.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.config.NamespaceHooks;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.gateway.config.ProxyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyHooksTest {

    private static final ProxyConfig NO_SESSION_HOOK_URL = proxy("");
    private static final ProxyConfig SUBSCRIBE_URL = proxy("http://127.0.0.1:1/subscribe");

    private final HookClient client = new HookClient(NO_SESSION_HOOK_URL, 64, new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        client.close();
    }

    @Test
    void sessionsNeedNoHooksWhenEveryNamespaceHasItsHooksOff() {
        ProxyHooks hooks = new ProxyHooks(SUBSCRIBE_URL, new NamespacesConfig(options(NamespaceHooks.NONE)), "n1",
                client);

        assertFalse(hooks.sessionHooksEnabled());
        assertFalse(ProxyHooks.OFF.sessionHooksEnabled());
    }

    @Test
    void sessionsNeedHooksWhenANamespaceTurnsOneOnWithTheNodeWideUrl() {
        NamespacesConfig namespaces = new NamespacesConfig(options(NamespaceHooks.NONE),
                Map.of("chat", options(new NamespaceHooks(NamespaceHooks.ON, NamespaceHooks.OFF, NamespaceHooks.OFF))));

        assertTrue(new ProxyHooks(SUBSCRIBE_URL, namespaces, "n1", client).sessionHooksEnabled());
    }

    @Test
    void sessionsNeedHooksWhenANamespaceNamesItsOwnHookUrl() {
        NamespacesConfig namespaces = new NamespacesConfig(options(new NamespaceHooks(NamespaceHooks.OFF,
                NamespaceHooks.OFF, "http://127.0.0.1:1/rpc")));

        assertTrue(new ProxyHooks(NO_SESSION_HOOK_URL, namespaces, "n1", client).sessionHooksEnabled());
    }

    private static NamespaceOptions options(NamespaceHooks hooks) {
        return new NamespaceOptions(false, false, false, 0, Duration.ofMinutes(5), false, NamespaceOptions.PRESENCE_OFF,
                false, hooks);
    }

    private static ProxyConfig proxy(String subscribeUrl) {
        return new ProxyConfig("", "", subscribeUrl, "", "", Duration.ofMillis(300), 2, 1, 256, List.of(),
                Duration.ofSeconds(1));
    }
}
