package io.crier.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.support.GatewayProcess;
import io.crier.gateway.support.HaproxyProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo page and crier.js in headless Chromium ({@code gateway/src/main/js/test/browser/*.test.mjs}, driven by
 * playwright-core) against a real fleet: Redis, three gateway nodes as processes and HAProxy with the shipped
 * configuration ({@link BrowserFleet}), plus {@link FleetControl} through which the JavaScript tests get tokens and
 * have a node frozen, killed, drained or restarted. Asserts that node's test runner exits 0 and that its summary
 * counts every test as passed, so a run that found no test fails. The nodes have permessage-deflate on, which
 * Chromium offers: the run also asserts that connections negotiated it ({@code crier_connections_compressed_total} on
 * the nodes still up at the end), so the browser read the node's compressed messages and sent its own compressed.
 * The screenshot lands in {@code target/browser-artifacts/demo.png}.
 */
class BrowserIT {

    /** The tests in test/browser/: a run that passes fewer (a file not found, a test skipped) is a failure. */
    private static final int EXPECTED_TESTS = 8;
    private static final Path JS = Path.of("src/main/js").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(80);
    private static final Pattern COMPRESSED =
            Pattern.compile("(?m)^crier_connections_compressed_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)$");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theDemoAndTheSdkPassEveryBrowserTestAgainstAFleetBehindHaproxy() throws IOException {
        assertTrue(Files.isDirectory(JS.resolve("node_modules/playwright-core")), "no playwright-core in " + JS
                + "/node_modules: run 'npm ci' there (deploy/bin/test does)");
        assertTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": install Debian's package 'chromium' "
                + "(deploy/bin/test does)");
        Path artifacts = artifacts();
        Files.deleteIfExists(artifacts.resolve("demo.png"));
        NodeTestRun.Result result;
        double compressed;
        long starting = System.nanoTime();
        try (BrowserFleet fleet = BrowserFleet.start(3);
             FleetControl control = FleetControl.start(BrowserFleet.secret(), BrowserFleet.ADMIN_KEY, fleet.nodes())) {
            System.out.println("fleet up behind HAProxy in " + Duration.ofNanos(System.nanoTime() - starting).toMillis()
                    + " ms: " + fleet.baseUrl());
            result = NodeTestRun.run(JS, List.of(), testFiles(), environment(fleet, control, artifacts),
                    artifacts.resolve("browser-tests.tap"), RUN_TIMEOUT);
            compressed = compressedUpgrades(fleet.nodes());
        }
        assertEquals(0, result.exitCode(), "node --test failed; its output is above, marked [node]");
        assertEquals(EXPECTED_TESTS, result.count("pass"), "passed tests in the summary " + result.counts());
        assertEquals(0, result.count("fail"), "failed tests in the summary " + result.counts());
        assertTrue(Files.size(artifacts.resolve("demo.png")) > 0, "the demo's screenshot was taken");
        assertTrue(compressed > 0, "Chromium negotiated permessage-deflate with the nodes: " + compressed);
    }

    /** The sum of {@code crier_connections_compressed_total} over the nodes still up. */
    private static double compressedUpgrades(List<GatewayProcess> nodes) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        double sum = 0;
        for (GatewayProcess node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            try {
                String scrape = http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher line = COMPRESSED.matcher(scrape);
                while (line.find()) {
                    sum += Double.parseDouble(line.group(1));
                }
            } catch (IOException e) {
                System.out.println("no metrics from " + node + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return sum;
            }
        }
        return sum;
    }

    private static Map<String, String> environment(BrowserFleet fleet, FleetControl control, Path artifacts) {
        return Map.of(
                "CRIER_IT_BASE_URL", fleet.baseUrl(),
                "CRIER_IT_CONTROL_URL", control.url(),
                "CRIER_IT_REDIS_PORT", Integer.toString(fleet.redis().port()),
                "CRIER_IT_REDIS_PREFIX", BrowserFleet.PREFIX,
                "CRIER_IT_TICKER", ticker().toString(),
                "CRIER_IT_EXPIRY_WARNING", Integer.toString(BrowserFleet.EXPIRY_WARNING_SECONDS),
                "CRIER_IT_EXPIRY_GRACE", Integer.toString(BrowserFleet.EXPIRY_GRACE_SECONDS),
                "CRIER_IT_DRAIN_RECONNECT_DELAY_MAX", Integer.toString(BrowserFleet.DRAIN_RECONNECT_DELAY_MAX_SECONDS),
                "CRIER_IT_CHROMIUM", CHROMIUM.toString(),
                "CRIER_IT_ARTIFACTS", artifacts.toString());
    }

    private static List<Path> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(JS.resolve("test/browser"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".test.mjs")).sorted().toList();
        }
    }

    /** deploy/bin/ticker of this checkout, next to the shipped HAProxy configuration. */
    private static Path ticker() {
        return HaproxyProcess.shippedConfig().getParent().getParent().resolve("bin/ticker");
    }

    /** target/browser-artifacts, next to the shaded jar. */
    static Path artifacts() throws IOException {
        Path target = Path.of(System.getProperty(GatewayProcess.JAR_PROPERTY, "target/crier-gateway.jar"))
                .toAbsolutePath().getParent();
        return Files.createDirectories(target.resolve("browser-artifacts"));
    }
}
