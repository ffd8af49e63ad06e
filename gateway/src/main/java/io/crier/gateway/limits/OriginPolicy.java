package io.crier.gateway.limits;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a WebSocket upgrade may proceed given its {@code Origin} and {@code Host} headers
 * ({@code server.allowedOrigins}). A request with no {@code Origin} comes from a non-browser client and is
 * allowed: the check exists to stop other web sites from opening sockets with a visitor's browser
 * (cross-site WebSocket hijacking), which only browsers do, and browsers always send {@code Origin}.
 * <ul>
 *   <li>{@code *} in the list: every origin is allowed.</li>
 *   <li>An empty list: only same-origin upgrades, where the Origin's host and port equal the {@code Host}
 *       header's (a {@code Host} without a port means the default port of the Origin's scheme).</li>
 *   <li>Otherwise the Origin must equal one entry, compared by scheme, host (both case-insensitive) and
 *       port (default ports made explicit, so {@code https://a.example} equals
 *       {@code https://a.example:443}).</li>
 * </ul>
 * The opaque origin {@code null} (sandboxed frames, {@code file:} pages) is refused unless {@code *}.
 * The last {@code Origin} and {@code Host} pair found allowed is remembered (one pair, replaced by the next one
 * allowed): a web app's browsers all send the same pair, and an exact repeat needs no parsing (two
 * {@link URI}s and their strings, about 370 bytes and most of the check's time per upgrade).
 *
 * <p>Thread-safe: the settings are immutable, and the remembered pair is one immutable record behind a volatile
 * field, only ever holding a pair the full check allowed.
 */
public final class OriginPolicy {

    /** The entry that allows every origin. */
    public static final String ANY = "*";

    private final boolean any;
    private final Set<String> allowed = new HashSet<>();
    /** The last pair {@link #allows} judged in full and allowed, or null. */
    private volatile Pair lastAllowed;

    /** @param allowedOrigins {@code *}, full origins such as {@code https://app.example.com}, or empty */
    public OriginPolicy(List<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        this.any = allowedOrigins.contains(ANY);
        for (String origin : allowedOrigins) {
            String normal = normalise(origin);
            if (!ANY.equals(origin) && normal == null) {
                throw new IllegalArgumentException("not an origin: " + origin);
            }
            if (normal != null) {
                allowed.add(normal);
            }
        }
    }

    /**
     * Whether an upgrade with these headers may proceed.
     *
     * @param origin the {@code Origin} header, or {@code null} when absent
     * @param host   the {@code Host} header, or {@code null} when absent
     */
    public boolean allows(String origin, String host) {
        if (origin == null || any) {
            return true;
        }
        Pair last = lastAllowed;
        if (last != null && last.is(origin, host)) {
            return true;
        }
        String normal = normalise(origin);
        if (normal == null) {
            return false;
        }
        boolean allows = allowed.isEmpty() ? sameOrigin(normal, host) : allowed.contains(normal);
        if (allows) {
            lastAllowed = new Pair(origin, host);
        }
        return allows;
    }

    /** An {@code Origin} header and the {@code Host} header beside it (null when absent). */
    private record Pair(String origin, String host) {
        boolean is(String otherOrigin, String otherHost) {
            return origin.equals(otherOrigin) && Objects.equals(host, otherHost);
        }
    }

    private static boolean sameOrigin(String normalOrigin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        URI origin = URI.create(normalOrigin);
        URI authority = parse("http://" + host.trim());
        if (authority == null || authority.getHost() == null || authority.getRawPath() != null
                && !authority.getRawPath().isEmpty()) {
            return false;
        }
        int hostPort = authority.getPort() == -1 ? origin.getPort() : authority.getPort();
        return origin.getHost().equalsIgnoreCase(authority.getHost()) && origin.getPort() == hostPort;
    }

    /** {@code scheme://host:port} in lower case with the port explicit, or {@code null} if not an origin. */
    private static String normalise(String origin) {
        URI uri = parse(origin);
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
        if (port == -1) {
            return null;
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    private static URI parse(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            // Not a URI at all: the caller treats it as "not an origin" and refuses it.
            return null;
        }
    }
}
