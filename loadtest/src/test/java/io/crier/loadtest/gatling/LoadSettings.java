package io.crier.loadtest.gatling;

import io.crier.gateway.auth.TestTokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The parameters of one simulation run: each is read from a system property ({@code -Dcrier.users=5000}), falls
 * back to a default, and is listed with that default by {@link #print()} so that every report starts with the
 * conditions it was measured under. Not thread-safe: a simulation builds it in its constructor.
 */
final class LoadSettings {

    private final String simulation;
    private final Properties source;
    private final List<String> lines = new ArrayList<>();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    LoadSettings(String simulation) {
        this(simulation, System.getProperties());
    }

    LoadSettings(String simulation, Properties source) {
        this.simulation = simulation;
        this.source = source;
    }

    /**
     * A short id of this run, put into topic names and users so that runs against the same fleet never see each
     * other's publications.
     */
    String runId() {
        return runId;
    }

    /** The node (or load balancer) and the Redis behind it, common to every simulation. */
    Target target() {
        URI url = URI.create(text("crier.url", "ws://127.0.0.1:8080/ws", "WebSocket URL of a node or a load balancer"));
        if (url.getHost() == null || url.getPort() < 0 || url.getPath() == null || url.getPath().isEmpty()) {
            throw new IllegalArgumentException("crier.url needs a host, a port and a path: " + url);
        }
        String secret = source.getProperty("crier.secret");
        byte[] secretBytes = secret == null ? TestTokens.secret() : secret.getBytes(StandardCharsets.UTF_8);
        lines.add(String.format(Locale.ROOT, "  %-22s = %-28s (default: the tests' secret) HS256 secret of the node",
                "crier.secret", secret == null ? "(the tests' secret)" : "(given, " + secretBytes.length + " bytes)"));
        String redisHost = text("crier.redisHost", "127.0.0.1", "Redis the nodes use (backend publishes)");
        int redisPort = integer("crier.redisPort", 6379, "its port");
        String prefix = text("crier.redisPrefix", "crier:", "the nodes' redis.prefix");
        return new Target(url, secretBytes, redisHost, redisPort, prefix);
    }

    /** A text parameter. */
    String text(String key, String fallback, String meaning) {
        String value = source.getProperty(key, fallback);
        lines.add(String.format(Locale.ROOT, "  %-22s = %-28s (default: %s) %s", key, value, fallback, meaning));
        return value;
    }

    /** A parameter that is a whole number of at least {@code min}. */
    int integer(String key, int fallback, int min, String meaning) {
        String value = text(key, Integer.toString(fallback), meaning);
        try {
            int number = Integer.parseInt(value.strip());
            if (number < min) {
                throw new IllegalArgumentException(key + " must be at least " + min + ": " + value);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a whole number: " + value, e);
        }
    }

    /** A parameter that is a whole number of at least 1. */
    int integer(String key, int fallback, String meaning) {
        return integer(key, fallback, 1, meaning);
    }

    /** Prints the simulation's name, its run id and every parameter read so far, with its default. */
    void print() {
        StringBuilder out = new StringBuilder(simulation).append(" (run ").append(runId).append("), parameters:\n");
        lines.forEach(line -> out.append(line).append('\n'));
        System.out.print(out);
        System.out.flush();
    }

    /**
     * Where the simulation connects.
     *
     * @param url         the WebSocket URL ({@code ws://host:port/ws})
     * @param secret      the HS256 secret the node verifies tokens with
     * @param redisHost   the Redis that backend publications go to
     * @param redisPort   its port
     * @param redisPrefix the nodes' {@code redis.prefix}
     */
    record Target(URI url, byte[] secret, String redisHost, int redisPort, String redisPrefix) {

        /** {@code ws://host:port}, Gatling's base URL. */
        String origin() {
            return url.getScheme() + "://" + url.getHost() + ":" + url.getPort();
        }

        /** {@code http://host:port}: the node's own HTTP routes (metrics), when the URL points at one node. */
        String httpOrigin() {
            return ("wss".equals(url.getScheme()) ? "https" : "http") + "://" + url.getHost() + ":" + url.getPort();
        }
    }
}
