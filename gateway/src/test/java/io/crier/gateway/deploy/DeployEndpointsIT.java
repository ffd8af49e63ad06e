package io.crier.gateway.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.GatewayServer;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.HaproxyProcess;
import io.crier.gateway.support.WsTestClient;
import io.crier.gateway.tls.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy files against real processes: {@code haproxy -c} on every HAProxy configuration, the Kubernetes
 * probes and the Dockerfile's HEALTHCHECK against a real node configured from the production overlay, and
 * HAProxy (deploy/haproxy/haproxy.cfg, addresses set through its variables) retrying the upgrades a draining
 * node refuses and taking it out of rotation. Each assertion names its rule.
 */
class DeployEndpointsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern WELCOME_NODE = Pattern.compile("\"node\":\"([^\"]+)\"");

    @TempDir
    Path tmp;

    @Test
    void haproxyAcceptsEveryShippedConfiguration() throws Exception {
        Path pem = tmp.resolve("crier.pem");
        TestCertificates.Issued ca = TestCertificates.authority("deploy-test-ca");
        TestCertificates.Issued leaf = TestCertificates.leaf(ca, "localhost", 2);
        Files.write(pem, concat(leaf.certificatePem(), leaf.keyPem()));
        for (String file : HaproxyConfigTest.CONFIGS) {
            Path cfg = DeployTree.path("haproxy/" + file);
            Result check = run(List.of("haproxy", "-c", "-f", cfg.toString()), Map.of("LB_TLS_CERT", pem.toString()));
            assertEquals(0, check.exitCode(), "rule: haproxy -c -f " + file + " passes:\n" + check.output());
        }
    }

    @Test
    void haproxyMaxconnFitsThisMachinesFileDescriptorLimit() throws Exception {
        String limit = run(List.of("sh", "-c", "ulimit -n"), Map.of()).output().strip();
        for (String file : HaproxyConfigTest.CONFIGS) {
            int maxconn = Integer.parseInt(HaproxyConfigTest.cfg(file).value("global", "maxconn").orElseThrow());
            assertTrue(limit.equals("unlimited") || 2 * maxconn + 1000 <= Integer.parseInt(limit),
                    "rule: " + file + " 2 x maxconn + 1000 <= ulimit -n " + limit + " (else HAProxy 2.6 refuses to start: strict-limits)");
        }
    }

    @Test
    void theProbesAndTheImageHealthCheckAnswerOnANodeConfiguredLikeProduction() throws Exception {
        List<Map<String, Object>> manifests = K8s.build("overlays/production");
        Map<String, Object> container = K8s.container(manifests);
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Map<String, String> env = DeployedConfig.withPlaceholdersReplaced(DeployedConfig.environment(manifests));
            env.put("CRIER_REDIS_URI", redis.uri());
            env.put("CRIER_REDIS_PREFIX", "deploy-it:");
            env.put("CRIER_SERVER_PORT", "0");
            GatewayServer node = GatewayServer.start(DeployedConfig.load(env));
            try {
                for (String probe : List.of("startupProbe", "livenessProbe")) {
                    String path = Yamls.text(container, probe, "httpGet", "path");
                    assertEquals(200, get(node.port(), path), "rule: the " + probe + " path " + path + " answers 200");
                }
                // Readiness follows the backend (the broker's subscriptions, Redis' function library, the revocations'
                // first load), which the node reaches after it starts listening: probed again, as Kubernetes does.
                String ready = Yamls.text(container, "readinessProbe", "httpGet", "path");
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                        assertEquals(200, get(node.port(), ready), "rule: the readinessProbe path " + ready
                                + " answers 200 once the node's backend is ready"));
                String healthCheck = Dockerfile.parse(DeployTree.read("docker/Dockerfile")).healthCheckCommand();
                Result healthy = run(List.of("/bin/sh", "-c", healthCheck),
                        Map.of("CRIER_SERVER_PORT", String.valueOf(node.port())));
                assertEquals(0, healthy.exitCode(), "rule: the image HEALTHCHECK passes on a live node: " + healthy.output());
                Result dead = run(List.of("/bin/sh", "-c", healthCheck),
                        Map.of("CRIER_SERVER_PORT", String.valueOf(closedPort())));
                assertNotEquals(0, dead.exitCode(), "rule: the image HEALTHCHECK fails when nothing listens");
            } finally {
                node.close();
            }
        }
    }

    @Test
    void haproxyRetriesUpgradesADrainingNodeRefusesAndTakesItOutOfRotation() throws Exception {
        List<GatewayServer> nodes = new ArrayList<>();
        List<WsTestClient> clients = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                Map<String, String> env = new TreeMap<>(Map.of("CRIER_NODE_ID", "deploy-lb-" + i,
                        "CRIER_SERVER_PORT", "0", "CRIER_AUTH_HMAC_SECRET", DeployedConfig.TEST_KEY,
                        "CRIER_DRAIN_WINDOW", "2s"));
                env.putAll(HaproxyProcess.NODE_ENV);
                // drain.readinessDelay stays at its bundled default: the value the table says fits haproxy.cfg.
                nodes.add(GatewayServer.start(DeployedConfig.load(env)));
            }
            try (HaproxyProcess haproxy = HaproxyProcess.start(HaproxyProcess.shippedConfig(),
                    nodes.stream().map(GatewayServer::port).toList())) {
                for (int i = 0; i < 3; i++) {
                    haproxy.awaitStatus(i, "UP", Duration.ofSeconds(10));
                }
                Duration readinessDelay = DeployedConfig.load(Map.of()).drain().readinessDelay();
                long drainStarted = System.nanoTime();
                nodes.get(0).startDrain();
                // leastconn sends each new upgrade to the node with the fewest connections, the draining one among
                // them while HAProxy still has it UP: it must still accept them (readiness delay), none may fail.
                for (int i = 0; i < 6; i++) {
                    welcomedBy(clients, haproxy);
                }
                haproxy.awaitStatus(0, "DOWN", readinessDelay);
                Duration leftRotation = Duration.ofNanos(System.nanoTime() - drainStarted);
                assertTrue(leftRotation.compareTo(readinessDelay) < 0, "rule: HAProxy takes the draining node out of"
                        + " rotation (" + leftRotation + ") before its drain.readinessDelay (" + readinessDelay + ") ends");
                assertNotEquals("deploy-lb-1", welcomedBy(clients, haproxy), "rule: the draining node is out of rotation");
            } finally {
                // Before HAProxy stops, so that its log gets each tunnel's line (server, retries).
                clients.forEach(WsTestClient::close);
            }
        } finally {
            nodes.forEach(GatewayServer::close);
        }
    }

    /** Opens a session through HAProxy and returns the id of the node that welcomed it. */
    private static String welcomedBy(List<WsTestClient> clients, HaproxyProcess haproxy) throws Exception {
        String token = TestTokens.hs256(DeployedConfig.TEST_KEY.getBytes(StandardCharsets.UTF_8), "deploy-user",
                List.of(), List.of(), Duration.ofMinutes(5));
        WsTestClient client = WsTestClient.connectWithBearer(haproxy.wsUri(), token);
        clients.add(client);
        Matcher node = WELCOME_NODE.matcher(client.awaitContaining("\"type\":\"welcome\""));
        assertTrue(node.find(), "the welcome push names its node");
        return node.group(1);
    }

    private static int get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        Path output = Files.createTempFile(tmp, "command-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + COMMAND_TIMEOUT);
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
