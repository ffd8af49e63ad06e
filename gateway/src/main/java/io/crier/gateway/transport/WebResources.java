package io.crier.gateway.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The static files of the demo page: classpath resources under {@code web/}, looked up by a plain file
 * name only (letters, digits, {@code _ -}, one dot and a known extension), so no path can leave the
 * folder. Found files are cached; the cache is bounded by the files in the jar. Thread-safe.
 */
final class WebResources {

    /** One static file: its bytes and content type. */
    record Resource(byte[] bytes, String contentType) {
    }

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}\\.[a-z]{2,4}");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json");

    private final ClassLoader loader;
    private final String folder;
    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    /** Serves resources under {@code folder} (e.g. {@code web}) from {@code loader}. */
    WebResources(ClassLoader loader, String folder) {
        this.loader = loader;
        this.folder = folder;
    }

    /** The file for a request path such as {@code /} or {@code /demo.js}, if it exists and is allowed. */
    Optional<Resource> find(String path) {
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String name = "/".equals(path) ? "index.html" : path.substring(1);
        if (!SAFE_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String type = CONTENT_TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null) {
            return Optional.empty();
        }
        Resource cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        return load(name, type);
    }

    private Optional<Resource> load(String name, String type) {
        try (InputStream in = loader.getResourceAsStream(folder + "/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            Resource resource = new Resource(in.readAllBytes(), type);
            cache.putIfAbsent(name, resource);
            return Optional.of(resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web resource " + name, e);
        }
    }
}
