package io.crier.gateway.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.GatewayServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The node under abuse for one class of the bad-input suite, as a JUnit extension: before the class it starts
 * a real node (in-memory broker, an HMAC secret and an RSA public key file, small limits, compression on so that
 * the deflate abuse has something to abuse) and a {@link Witness}; before each test it publishes a marker; after
 * the class it asserts that the witness got every marker in order, that the node is still ready, and that
 * Netty's leak detector reported nothing, then stops both. Register it as a {@code static} field with
 * {@code @RegisterExtension}. Used from the test thread only.
 */
public final class BadInputNode implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    public static final byte[] SECRET = TestTokens.secret();
    public static final int MAX_MESSAGE = 16_384;
    public static final int MAX_DATA = 4096;
    public static final int MAX_HANDSHAKE = 4096;
    public static final int MAX_TOPICS = 8;
    public static final int BURST = 200;
    public static final int FLOOD_AFTER = 20;
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Map<String, String> extraEnv = new HashMap<>();
    private Path keys;
    private HostileTokens rsa;
    private GatewayServer node;
    private URI ws;
    private Witness witness;
    private LeakWatch leaks;

    /** A node with the suite's settings, plus {@code CRIER_*} variables of the class's own. */
    public static BadInputNode with(Map<String, String> env) {
        BadInputNode node = new BadInputNode();
        node.extraEnv.putAll(env);
        return node;
    }

    /** A node with the suite's settings. */
    public static BadInputNode standard() {
        return with(Map.of());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        leaks = new LeakWatch();
        keys = Files.createTempDirectory("badinput-keys");
        rsa = HostileTokens.create(keys, "badinput-rsa");
        Map<String, String> env = new HashMap<>(Map.ofEntries(
                Map.entry("CRIER_NODE_ID", "badinput-" + context.getRequiredTestClass().getSimpleName()),
                Map.entry("CRIER_SERVER_PORT", "0"),
                Map.entry("CRIER_SERVER_MAX_HANDSHAKE_BYTES", String.valueOf(MAX_HANDSHAKE)),
                Map.entry("CRIER_SERVER_HANDSHAKE_TIMEOUT", HANDSHAKE_TIMEOUT.toMillis() + "ms"),
                Map.entry("CRIER_AUTH_HMAC_SECRET", new String(SECRET, StandardCharsets.UTF_8)),
                Map.entry("CRIER_AUTH_PUBLIC_KEY_FILES", rsa.publicKeyFile().toString()),
                Map.entry("CRIER_LIMITS_MAX_MESSAGE_BYTES", String.valueOf(MAX_MESSAGE)),
                Map.entry("CRIER_LIMITS_MAX_DATA_BYTES", String.valueOf(MAX_DATA)),
                Map.entry("CRIER_SESSION_MAX_TOPICS", String.valueOf(MAX_TOPICS)),
                Map.entry("CRIER_LIMITS_COMMANDS_PER_SECOND", "1"),
                Map.entry("CRIER_LIMITS_COMMAND_BURST", String.valueOf(BURST)),
                Map.entry("CRIER_LIMITS_FLOOD_DISCONNECT_AFTER", String.valueOf(FLOOD_AFTER)),
                Map.entry("CRIER_COMPRESSION_ENABLED", "true")));
        env.putAll(extraEnv);
        node = GatewayServer.start(new ConfigLoader().load(null, env));
        ws = URI.create(node.webSocketUrl());
        witness = Witness.start(ws, "badinput:witness", token("witness-sub"), token("witness-pub"));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        witness.mark(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            assertTrue(witness.markers() > 0, "the class's tests ran before this check");
            witness.assertEveryMarkerArrivedInOrder();
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/readyz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), "the node is still ready");
            leaks.assertNoLeaks(Duration.ofMillis(500));
        } finally {
            witness.close();
            node.close();
            leaks.close();
            try (var files = Files.list(keys)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(keys);
        }
    }

    /** The node's WebSocket URL. */
    public URI ws() {
        return ws;
    }

    /** The node's {@code http://} base URL. */
    public String baseUrl() {
        return node.baseUrl();
    }

    /** The node itself (its meters, its port). */
    public GatewayServer server() {
        return node;
    }

    /** The node's RSA key and the hostile tokens made against it. */
    public HostileTokens rsa() {
        return rsa;
    }

    /** A valid HS256 token for {@code user}, allowed every topic, for ten minutes. */
    public static String token(String user) {
        return TestTokens.hs256(SECRET, user, List.of("*"), List.of("*"), Duration.ofMinutes(10));
    }

    /** A connection upgraded on {@code /ws} and authenticated as {@code user}. */
    public RawWebSocket session(String user) throws Exception {
        RawWebSocket client = RawWebSocket.upgraded(ws, "/ws");
        Replies.authenticate(client, token(user));
        return client;
    }

    /**
     * A connection upgraded on {@code /ws} with permessage-deflate negotiated (asserted) and authenticated as
     * {@code user}.
     */
    public RawWebSocket deflateSession(String user) throws Exception {
        RawWebSocket client = RawWebSocket.connect(ws);
        RawWebSocket.HttpHead head = client.request(RawWebSocket.upgradeRequest("/ws",
                "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        assertEquals(101, head.status(), head.text());
        // Every message either side sends is compressed on its own: each acceptance says so.
        String extension = head.header("Sec-WebSocket-Extensions");
        assertTrue(extension.startsWith("permessage-deflate;") && extension.contains("server_no_context_takeover")
                && extension.contains("client_no_context_takeover"), extension);
        Replies.authenticate(client, token(user));
        return client;
    }

    /** A plain HTTP GET of {@code path} on the node. */
    public HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
