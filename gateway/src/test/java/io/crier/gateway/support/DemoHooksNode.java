package io.crier.gateway.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A gateway node run as {@code deploy/bin/start-hooks-demo} runs it: the shipped {@code deploy/demo-hooks.properties}
 * with only its backend address ({@value #SHIPPED_BACKEND}) moved to a {@link DemoBackendProcess}'s free port, and a
 * token secret nobody is told (so the cookie is the only way in). Not instantiable; thread-safe.
 */
public final class DemoHooksNode {

    /** The demo backend's address in the shipped file. */
    public static final String SHIPPED_BACKEND = "http://127.0.0.1:8090";
    /** A {@code DEMO_BACKEND_SECRET} for the tests' backends, so that tests can sign cookies too. */
    public static final String BACKEND_SECRET = "cookie-demo-it-backend-secret-0123456789";

    private DemoHooksNode() {
    }

    /** The shipped {@code deploy/demo-hooks.properties}, as a node reads it. */
    public static Properties shippedConfig() {
        Path file = HaproxyProcess.shippedConfig().getParent().getParent().resolve("demo-hooks.properties");
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** Starts node {@code name} on the shipped config, its hooks pointed at {@code backend}; returns once ready. */
    public static GatewayProcess start(String name, DemoBackendProcess backend) {
        GatewayProcess.Builder builder = GatewayProcess.named(name)
                .env("CRIER_AUTH_HMAC_SECRET", "a-token-secret-that-nobody-is-told-0123456789");
        Properties shipped = shippedConfig();
        for (String key : shipped.stringPropertyNames()) {
            builder.property(key, shipped.getProperty(key).replace(SHIPPED_BACKEND, backend.baseUrl()));
        }
        return builder.start();
    }
}
