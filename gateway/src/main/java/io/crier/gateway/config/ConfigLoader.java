package io.crier.gateway.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the configuration: bundled defaults ({@code crier-defaults.properties} on the classpath), then an
 * optional properties file, then {@code CRIER_*} environment variables, and validates the result. The only
 * class that reads configuration sources. Stateless; thread-safe.
 * (Skeleton: the implementation lands with the config work.)
 */
public final class ConfigLoader {

    /**
     * Loads and validates.
     *
     * @param file the file given with {@code --config}, or {@code null}
     * @param env  the environment, normally {@link System#getenv()}
     * @throws InvalidConfigException listing every bad or unknown key by path
     */
    public CrierConfig load(Path file, Map<String, String> env) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The bundled defaults alone (with no file and no environment). */
    public CrierConfig defaults() {
        return load(null, Map.of());
    }
}
