import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's backend: a web application that signs its users in with an HttpOnly session cookie and admits them to
 * Crier through the node's proxy hooks (PROTOCOL.md §16), so that the browser never holds a token. A JDK single-file
 * program with no dependencies: {@code java deploy/demo/DemoBackend.java [--port 8090] [--node http://127.0.0.1:8080]}
 * ({@code deploy/bin/demo-backend}, started with a node by {@code deploy/bin/start-hooks-demo}). Routes:
 * <ul>
 *   <li>{@code GET /}: the sign-in page (a name), or who is signed in;</li>
 *   <li>{@code POST /signin} ({@code name=ada}, a form): sets the session cookie and redirects to the node's demo page
 *       with {@code #auth=cookie}; {@code POST /signout} clears it;</li>
 *   <li>{@code POST /crier/connect}: the node's connect hook. It reads the {@code Cookie} header the node forwards
 *       ({@code proxy.headers=Cookie}) and names the user, with the demo's topic permissions, the server-side
 *       subscription {@code user:<name>} and the cookie's expiry as the session's {@code expireAt}; without a
 *       valid cookie it refuses (the client gets {@code refused} with app code 1401 or 1403, then the close 4505
 *       {@code backend_refused});</li>
 *   <li>{@code POST /crier/rpc}: the rpc hook of namespace {@code demo}: {@code demo:whoami} (the user of the cookie
 *       the node forwarded), {@code demo:time}; any other method is refused with 1404.</li>
 * </ul>
 * The cookie is {@code base64url(name).issuedAtSeconds.base64url(HMAC-SHA256)} signed with {@code DEMO_BACKEND_SECRET}
 * (at least 32 bytes) or, without it, a random secret of this run: restarting the backend then signs everyone out.
 * Cookies belong to a host, not a port, so the cookie set here on 127.0.0.1:8090 goes with the WebSocket upgrade to
 * the node on 127.0.0.1:8080. It prints {@code demo backend listening on http://127.0.0.1:PORT} once it listens
 * ({@code --port 0} picks a free port). Every request body is bounded; every answer to the node is fixed text plus the
 * backend's own names, never client input. Thread-safe: the handlers share only immutable state.
 */
public final class DemoBackend {

    static final String COOKIE = "crier_demo";
    static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final int MAX_FORM_BYTES = 1024;
    static final int MAX_HOOK_BYTES = 65536;
    static final int MAX_COOKIE_HEADER_CHARS = 8192;

    private final byte[] secret;
    private final String node;

    DemoBackend(byte[] secret, String node) {
        this.secret = secret.clone();
        this.node = node;
    }

    public static void main(String[] args) throws IOException {
        int port = 8090;
        String node = "http://127.0.0.1:8080";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(required("--port", value));
                case "--node" -> node = URI.create(required("--node", value)).toString();
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        if (port < 0 || port > 65535) {
            usage("--port is 0..65535");
        }
        String configured = System.getenv("DEMO_BACKEND_SECRET");
        byte[] secret;
        if (configured == null || configured.isEmpty()) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
        } else if (configured.getBytes(StandardCharsets.UTF_8).length < 32) {
            usage("DEMO_BACKEND_SECRET needs at least 32 bytes");
            return;
        } else {
            secret = configured.getBytes(StandardCharsets.UTF_8);
        }
        new DemoBackend(secret, node.replaceAll("/+$", "")).serve(port);
    }

    private static String required(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("demo-backend: " + problem);
        System.err.println("usage: java deploy/demo/DemoBackend.java [--port 8090] [--node http://127.0.0.1:8080]");
        System.exit(2);
    }

    private void serve(int port) throws IOException {
        // Answer without Nagle's delay: the JDK server keeps it by default, which adds ~40 ms to every hook call
        // (the node's request and this answer each wait for the other side's delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        server.createContext("/", exchange -> handle(exchange, switch (exchange.getRequestURI().getPath()) {
            case "/" -> this::page;
            case "/signin" -> this::signIn;
            case "/signout" -> this::signOut;
            case "/crier/connect" -> this::connectHook;
            case "/crier/rpc" -> this::rpcHook;
            default -> e -> {
                throw new Refusal(404, "not found");
            };
        }));
        server.setExecutor(threads);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            threads.shutdownNow();
        }));
        System.out.println("demo backend listening on http://127.0.0.1:" + server.getAddress().getPort()
                + " (sign in there; the demo page is " + node + "/)");
        System.out.flush();
    }

    /** One route: answers its exchange, or throws {@link Refusal} for a short fixed answer. */
    private interface Route {
        void answer(HttpExchange exchange) throws IOException;
    }

    /** A request this backend does not serve: a status and a fixed text. */
    private static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String text) {
            super(text, null, false, false);
            this.status = status;
        }
    }

    private static void handle(HttpExchange exchange, Route route) {
        try (exchange) {
            try {
                route.answer(exchange);
            } catch (Refusal refusal) {
                send(exchange, refusal.status, "text/plain; charset=utf-8", refusal.getMessage() + "\n");
            }
        } catch (IOException | RuntimeException e) {
            // The peer went away or sent something broken: this exchange ends, the server goes on.
            System.err.println("demo backend: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath() + " failed: " + e.getClass().getSimpleName());
        }
    }

    // ---- the application's own pages ----------------------------------------------------------------------

    private void page(HttpExchange exchange) throws IOException {
        method(exchange, "GET");
        Optional<Session> session = session(exchange.getRequestHeaders().getFirst("Cookie"));
        String body = session.map(s -> """
                <p>Signed in as <b>%s</b> (an HttpOnly cookie: the page's JavaScript cannot read it).</p>
                <p><a href="%s/#auth=cookie">Open the Crier demo</a>: it connects with no token.</p>
                <form method="post" action="/signout"><button>Sign out</button></form>
                """.formatted(s.name(), node)).orElse("""
                <form method="post" action="/signin">
                  <label>Your name <input name="name" maxlength="64" pattern="[A-Za-z0-9_.\\-]+" required autofocus></label>
                  <button>Sign in</button>
                </form>
                <p>Letters, digits, <code>_ . -</code>; no password: this is a demo.</p>
                """);
        send(exchange, 200, "text/html; charset=utf-8", """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo backend: sign in</title>
                <link rel="icon" href="data:,"></head><body style="font-family: sans-serif; margin: 2rem">
                <h1>Demo backend</h1>
                %s</body></html>
                """.formatted(body));
    }

    private void signIn(HttpExchange exchange) throws IOException {
        method(exchange, "POST");
        sameOrigin(exchange);
        String form = new String(body(exchange, MAX_FORM_BYTES), StandardCharsets.UTF_8);
        String name = null;
        for (String field : form.split("&")) {
            if (field.startsWith("name=")) {
                if (name != null) {
                    throw new Refusal(400, "one name, please");
                }
                name = URLDecoder.decode(field.substring(5), StandardCharsets.UTF_8);
            }
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new Refusal(400, "a name is 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + cookie(name, Instant.now())
                + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + SESSION_LIFETIME.toSeconds());
        redirect(exchange, node + "/#auth=cookie");
    }

    private void signOut(HttpExchange exchange) throws IOException {
        method(exchange, "POST");
        sameOrigin(exchange);
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        redirect(exchange, "/");
    }

    // ---- the node's proxy hooks ---------------------------------------------------------------------------

    /** The connect hook: the user of the forwarded cookie, or a refusal (PROTOCOL.md §16.2). */
    private void connectHook(HttpExchange exchange) throws IOException {
        method(exchange, "POST");
        body(exchange, MAX_HOOK_BYTES);
        String cookies = exchange.getRequestHeaders().getFirst("Cookie");
        if (cookieValue(cookies) == null) {
            json(exchange, "{\"error\":{\"code\":1401,\"message\":\"sign in first\"}}");
            return;
        }
        Optional<Session> session = session(cookies);
        if (session.isEmpty()) {
            json(exchange, "{\"error\":{\"code\":1403,\"message\":\"session not valid\"}}");
            return;
        }
        String name = session.get().name();
        // Names match NAME, so they need no JSON escaping. The session ends with its cookie (expireAt): the node then
        // closes it with 4004 and the client comes back here, where an expired cookie is refused.
        json(exchange, """
                {"result":{"user":"%1$s","expireAt":%2$d,"info":{"name":"%1$s","via":"cookie"},\
                "subscribe":["chat:*","ticker:*"],"publish":["chat:*"],"topics":["user:%1$s"]}}"""
                .formatted(name, session.get().issuedAt().plus(SESSION_LIFETIME).getEpochSecond()));
    }

    /** The rpc hook of namespace demo. */
    private void rpcHook(HttpExchange exchange) throws IOException {
        method(exchange, "POST");
        String request = new String(body(exchange, MAX_HOOK_BYTES), StandardCharsets.UTF_8);
        String method = firstStringField(request, "method");
        if ("demo:time".equals(method)) {
            json(exchange, "{\"result\":{\"data\":{\"time\":\"" + Instant.now() + "\"}}}");
        } else if ("demo:whoami".equals(method)) {
            Optional<Session> session = session(exchange.getRequestHeaders().getFirst("Cookie"));
            json(exchange, session.map(s -> "{\"result\":{\"data\":{\"user\":\"" + s.name() + "\",\"signedInAt\":\""
                            + s.issuedAt() + "\",\"via\":\"cookie\"}}}")
                    .orElse("{\"error\":{\"code\":1403,\"message\":\"session not valid\"}}"));
        } else {
            json(exchange, "{\"error\":{\"code\":1404,\"message\":\"unknown method\"}}");
        }
    }

    /**
     * The value of the first {@code "field":"..."} in {@code json}, or null when it is absent or holds an escape.
     * The node writes {@code node}, {@code session}, {@code user} and {@code method} before the client's {@code data}
     * (PROTOCOL.md §16.1), so the first occurrence is the node's own. A real backend uses its JSON library.
     */
    static String firstStringField(String json, String field) {
        String key = "\"" + field + "\":\"";
        int start = json.indexOf(key);
        if (start < 0) {
            return null;
        }
        int from = start + key.length();
        int end = json.indexOf('"', from);
        if (end < 0) {
            return null;
        }
        String value = json.substring(from, end);
        return value.indexOf('\\') >= 0 ? null : value;
    }

    // ---- the session cookie -------------------------------------------------------------------------------

    /** A signed-in user, from a cookie whose signature and age were checked. */
    record Session(String name, Instant issuedAt) {
    }

    /** The cookie's value for {@code name}, signed now. */
    String cookie(String name, Instant issuedAt) {
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8))
                + "." + issuedAt.getEpochSecond();
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(payload));
    }

    /** The session of a {@code Cookie} header: empty unless its {@value #COOKIE} is well formed, signed and fresh. */
    Optional<Session> session(String cookieHeader) {
        String value = cookieValue(cookieHeader);
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length != 3 || parts[0].length() > 128 || !parts[1].matches("[0-9]{1,12}")) {
            return Optional.empty();
        }
        byte[] signature;
        String name;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
            name = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1])) || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Instant issuedAt = Instant.ofEpochSecond(Long.parseLong(parts[1]));
        Instant now = Instant.now();
        if (issuedAt.isAfter(now.plusSeconds(60)) || issuedAt.plus(SESSION_LIFETIME).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(new Session(name, issuedAt));
    }

    /** The value of the first {@value #COOKIE} in a {@code Cookie} header (or a node's comma-joined copies). */
    static String cookieValue(String header) {
        if (header == null || header.length() > MAX_COOKIE_HEADER_CHARS) {
            return null;
        }
        for (String pair : header.split("[;,]")) {
            String trimmed = pair.trim();
            if (trimmed.startsWith(COOKIE + "=")) {
                String value = trimmed.substring(COOKIE.length() + 1);
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    // ---- HTTP helpers -------------------------------------------------------------------------------------

    private static void method(HttpExchange exchange, String expected) {
        if (!exchange.getRequestMethod().equals(expected)) {
            exchange.getResponseHeaders().set("Allow", expected);
            throw new Refusal(405, "method not allowed");
        }
    }

    /**
     * Refuses a form posted by another site's page (login CSRF): a browser's {@code Origin} must be this backend's
     * own. A request without {@code Origin} (curl, a test) passes.
     */
    private static void sameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (origin != null && !origin.equals("http://" + host)) {
            throw new Refusal(403, "forbidden");
        }
    }

    /** The request body, at most {@code limit} bytes; a longer one is refused with 413. */
    private static byte[] body(HttpExchange exchange, int limit) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new Refusal(413, "too large");
            }
            return bytes;
        }
    }

    private static void json(HttpExchange exchange, String body) throws IOException {
        send(exchange, 200, "application/json", body);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
