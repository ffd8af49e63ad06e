package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.support.DemoBackendProcess;
import io.crier.gateway.support.DemoHooksNode;
import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.WsTestClient;
import io.crier.protocol.ClientCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's cookie-authenticated demo with real processes: the shipped demo backend
 * ({@code deploy/demo/DemoBackend.java}, {@link DemoBackendProcess}) and a gateway node run with the shipped
 * {@code deploy/demo-hooks.properties} ({@link DemoHooksNode}: only its backend URLs moved to the backend's free port,
 * and a token secret nobody is told, as {@code deploy/bin/start-hooks-demo} does). A client signs in at the backend, sends the cookie
 * it got with the WebSocket upgrade and an {@code auth} without a token: the connect hook names it, the rpc hook
 * answers. Without the cookie, or with a forged one, the node refuses it with the documented reply and close 4505,
 * while a signed-in session on the same node goes on. The sign-in refuses what an attacker would send.
 */
class CookieDemoIT {

    private static final String SECRET = DemoHooksNode.BACKEND_SECRET;
    private static final String NODE_URL = "http://crier.example";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static DemoBackendProcess backend;
    private static GatewayProcess node;

    @BeforeAll
    static void start() {
        backend = DemoBackendProcess.start(NODE_URL, DemoHooksNode.BACKEND_SECRET);
        assertEquals(DemoHooksNode.SHIPPED_BACKEND + "/crier/connect",
                DemoHooksNode.shippedConfig().getProperty("proxy.connect.url"),
                "the shipped config asks the demo backend's connect hook");
        node = DemoHooksNode.start("cookie-demo", backend);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aSignedInBrowserConnectsAsItsUserWithNoTokenAndItsRpcIsAnswered() throws Exception {
        String cookie = signIn("ada");
        try (WsTestClient ada = WsTestClient.connectWithHeaders(node.wsUri(), Map.of("Cookie", "theme=dark; " + cookie))) {
            ada.send(ClientCommands.anonymousAuth(1));
            String welcome = ada.awaitContaining("\"type\":\"welcome\"");
            assertTrue(welcome.contains("\"user\":\"ada\""), welcome);
            ada.awaitContaining("{\"type\":\"ok\",\"id\":1");
            // The connect hook's server-side subscription: the personal topic, with no subscribe command.
            ada.awaitContaining("{\"type\":\"subscribed\",\"topic\":\"user:ada\"}");

            ada.send(ClientCommands.rpc(2, "demo:whoami", "{\"ignored\":true}"));
            String whoami = ada.awaitContaining("\"id\":2");
            assertTrue(whoami.startsWith("{\"type\":\"ok\",\"id\":2,\"data\":{\"user\":\"ada\",\"signedInAt\":\""), whoami);
            ada.send(ClientCommands.rpc(3, "demo:time", null));
            assertTrue(ada.awaitContaining("\"id\":3").matches(
                    "\\{\"type\":\"ok\",\"id\":3,\"data\":\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\"}}"));
            ada.send(ClientCommands.rpc(4, "demo:nope", null));
            assertEquals("{\"type\":\"error\",\"id\":4,\"code\":\"refused\",\"appCode\":1404,\"message\":\"unknown method\"}",
                    ada.awaitContaining("\"id\":4"));
            // A namespace without the rpc hook, and a method whose data holds another method's name.
            ada.send(ClientCommands.rpc(5, "chat:time", null));
            assertTrue(ada.awaitContaining("\"id\":5").contains("\"code\":\"not_available\""));
            ada.send(ClientCommands.rpc(6, "demo:x", "{\"method\":\"demo:time\"}"));
            assertTrue(ada.awaitContaining("\"id\":6").contains("\"appCode\":1404"));

            // The hook's permissions: the chat is open to publish, the ticker to read only.
            ada.send(ClientCommands.subscribe(7, "chat:lobby"));
            ada.awaitContaining("{\"type\":\"ok\",\"id\":7");
            ada.send(ClientCommands.publish(8, "chat:lobby", "{\"user\":\"ada\",\"text\":\"hi\"}"));
            ada.awaitContaining("{\"type\":\"ok\",\"id\":8");
            ada.send(ClientCommands.subscribe(9, "ticker:prices"));
            ada.awaitContaining("{\"type\":\"ok\",\"id\":9");
            ada.send(ClientCommands.publish(10, "ticker:prices", "{\"price\":1}"));
            assertTrue(ada.awaitContaining("\"id\":10").contains("\"code\":\"forbidden\""));
            assertFalse(ada.isClosed());
        }
    }

    @Test
    void aSessionEndsWithItsCookieTheNodeWarnsAsTheExpiryTheConnectHookGaveNears() throws Exception {
        // Signed 8 hours less 5 seconds ago: the hook's expireAt is 5 s away, inside the node's 60 s expiry warning.
        long issued = Instant.now().getEpochSecond() - 8 * 3600 + 5;
        try (WsTestClient late = WsTestClient.connectWithHeaders(node.wsUri(),
                Map.of("Cookie", "crier_demo=" + cookie("late", issued, SECRET)))) {
            late.send(ClientCommands.anonymousAuth(1));
            assertTrue(late.awaitContaining("\"type\":\"welcome\"").contains("\"user\":\"late\""));
            String expiring = late.awaitContaining("\"type\":\"expiring\"");
            assertTrue(expiring.matches("\\{\"type\":\"expiring\",\"in\":[0-5]}"), expiring);
        }
    }

    @Test
    void withoutACookieOrWithAForgedOneTheNodeRefusesWith4505AndASignedInSessionGoesOn() throws Exception {
        try (WsTestClient witness = WsTestClient.connectWithHeaders(node.wsUri(), Map.of("Cookie", signIn("witness")))) {
            witness.send(ClientCommands.anonymousAuth(1));
            witness.awaitContaining("{\"type\":\"ok\",\"id\":1");

            String valid = signIn("eve").substring("crier_demo=".length());
            String[] parts = valid.split("\\.");
            long now = Instant.now().getEpochSecond();
            assertRefused(Map.of(), 1401, "sign in first");
            assertRefused(Map.of("Cookie", "theme=dark"), 1401, "sign in first");
            // eve's signature on ada's name; signed with another secret; signed right but 9 hours old, or from the future.
            assertRefused(Map.of("Cookie", "crier_demo=" + b64("ada") + "." + parts[1] + "." + parts[2]), 1403,
                    "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=" + cookie("ada", now, "another-secret-of-at-least-32-bytes-!!")),
                    1403, "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=" + cookie("ada", now - 9 * 3600, SECRET)), 1403,
                    "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=" + cookie("ada", now + 3600, SECRET)), 1403,
                    "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=" + parts[0] + "." + parts[1]), 1403, "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=%%%.!!.???"), 1403, "session not valid");
            assertRefused(Map.of("Cookie", "crier_demo=" + "A".repeat(6000)), 1403, "session not valid");

            witness.send(ClientCommands.rpc(2, "demo:whoami", null));
            assertTrue(witness.awaitContaining("\"id\":2").contains("\"user\":\"witness\""));
            assertTrue(backend.isAlive());
        }
    }

    @Test
    void theSignInSetsAnHttpOnlyCookieForAGoodNameAndRefusesEverythingElse() throws Exception {
        HttpResponse<String> ok = post("/signin", "name=grace", Map.of());
        assertEquals(303, ok.statusCode());
        assertEquals(NODE_URL + "/#auth=cookie", ok.headers().firstValue("Location").orElseThrow());
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.matches("crier_demo=[A-Za-z0-9_-]+\\.\\d+\\.[A-Za-z0-9_-]+; Path=/; HttpOnly; "
                + "SameSite=Strict; Max-Age=28800"), setCookie);

        for (String form : List.of("", "name=", "name=a+b", "name=%0d%0aX", "name=" + "a".repeat(65),
                "name=ada&name=eve", "name=%C3%A9")) {
            HttpResponse<String> refused = post("/signin", form, Map.of());
            assertEquals(400, refused.statusCode(), form);
            assertTrue(refused.headers().firstValue("Set-Cookie").isEmpty(), form);
        }
        assertEquals(413, post("/signin", "name=" + "a".repeat(2000), Map.of()).statusCode());
        // Another site's page posting the form (login CSRF) is refused; the backend's own page is not.
        assertEquals(403, post("/signin", "name=ada", Map.of("Origin", "http://evil.example")).statusCode());
        assertEquals(303, post("/signin", "name=ada", Map.of("Origin", backend.baseUrl())).statusCode());
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create(backend.url("/signin"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, post("/signinx", "name=ada", Map.of()).statusCode());
        assertEquals(413, post("/crier/connect", "x".repeat(70_000), Map.of()).statusCode());
    }

    private static void assertRefused(Map<String, String> headers, int appCode, String message) throws Exception {
        try (WsTestClient client = WsTestClient.connectWithHeaders(node.wsUri(), headers)) {
            client.send(ClientCommands.anonymousAuth(1));
            assertEquals("{\"type\":\"error\",\"id\":1,\"code\":\"refused\",\"appCode\":" + appCode
                    + ",\"message\":\"" + message + "\"}", client.next(), headers.toString());
            assertEquals(new WsTestClient.Close(4505, "backend_refused"), client.awaitClose());
        }
    }

    /** Signs {@code name} in at the backend; answers the {@code crier_demo=...} pair of its Set-Cookie. */
    private static String signIn(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/signin", "name=" + name, Map.of());
        assertEquals(303, response.statusCode());
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertNotNull(setCookie);
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static HttpResponse<String> post(String path, String form, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend.url(path)))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A cookie as the backend signs it (DemoBackend.cookie), with any secret and issue time. */
    private static String cookie(String name, long issuedAt, String secret) throws Exception {
        String payload = b64(name) + "." + issuedAt;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
