package io.crier.gateway.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The software version a node reports: the {@code Implementation-Version} of the jar's manifest (the shaded
 * {@code crier-gateway.jar} has one), else the Maven project version that the build writes into the filtered
 * resource {@value #RESOURCE} (classes run from a build folder, as in tests), else {@value #UNKNOWN}.
 *
 * <p>Stateless; thread-safe.
 */
public final class NodeVersion {

    /** The version of a node whose build left no trace of it. */
    public static final String UNKNOWN = "dev";
    /** The classpath resource holding {@code version=<project version>}. */
    static final String RESOURCE = "io/crier/gateway/nodes/version.properties";

    private static final int MAX_LENGTH = 64;

    private NodeVersion() {
    }

    /** The version of the code {@code anchor} belongs to. */
    public static String of(Class<?> anchor) {
        String manifest = usable(anchor.getPackage() == null ? null : anchor.getPackage().getImplementationVersion());
        if (manifest != null) {
            return manifest;
        }
        String filtered = usable(fromResource(anchor.getClassLoader()));
        return filtered != null ? filtered : UNKNOWN;
    }

    private static String fromResource(ClassLoader loader) {
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | IllegalArgumentException e) {
            // The version only labels the node in the cluster view: an unreadable resource means "unknown".
            return null;
        }
    }

    /** {@code version} if it is a real version, else {@code null} (an unfiltered placeholder is none). */
    private static String usable(String version) {
        if (version == null) {
            return null;
        }
        String trimmed = version.strip();
        return trimmed.isEmpty() || trimmed.contains("${") || trimmed.length() > MAX_LENGTH ? null : trimmed;
    }
}
