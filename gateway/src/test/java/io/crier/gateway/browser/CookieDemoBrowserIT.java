package io.crier.gateway.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.support.DemoBackendProcess;
import io.crier.gateway.support.DemoHooksNode;
import io.crier.gateway.support.GatewayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cookie-authenticated demo in headless Chromium ({@code gateway/src/main/js/test/cookie-demo/}): the real demo
 * backend ({@link DemoBackendProcess}) and a node run with the shipped {@code deploy/demo-hooks.properties}
 * ({@link DemoHooksNode}), as {@code deploy/bin/start-hooks-demo} runs them. A browser signs in at the backend's page,
 * lands on the demo page, which connects with no token; one that has not signed in is refused with 4505. Asserts that
 * node's test runner exits 0 and counts every test as passed. The screenshot lands in
 * {@code target/browser-artifacts/cookie-demo.png}.
 */
class CookieDemoBrowserIT {

    private static final int EXPECTED_TESTS = 2;
    private static final Path JS = Path.of("src/main/js").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    /** The backend starts before the node (whose config names the backend's port): its redirect goes here. */
    private static final String PLACEHOLDER = "http://crier-node.invalid";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aBrowserSignsInAtTheBackendAndTheDemoConnectsByItsCookie() throws IOException {
        assertTrue(Files.isDirectory(JS.resolve("node_modules/playwright-core")), "no playwright-core in " + JS
                + "/node_modules: run 'npm ci' there (deploy/bin/test does)");
        assertTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": install Debian's package 'chromium'");
        Path artifacts = BrowserIT.artifacts();
        Files.deleteIfExists(artifacts.resolve("cookie-demo.png"));
        NodeTestRun.Result result;
        try (DemoBackendProcess backend = DemoBackendProcess.start(PLACEHOLDER, DemoHooksNode.BACKEND_SECRET);
             GatewayProcess node = DemoHooksNode.start("cookie-browser", backend)) {
            result = NodeTestRun.run(JS, List.of(), List.of(JS.resolve("test/cookie-demo/cookie-demo.test.mjs")),
                    Map.of("CRIER_IT_NODE_URL", node.baseUrl(),
                            "CRIER_IT_BACKEND_URL", backend.baseUrl(),
                            "CRIER_IT_NODE_PLACEHOLDER", PLACEHOLDER,
                            "CRIER_IT_CHROMIUM", CHROMIUM.toString(),
                            "CRIER_IT_ARTIFACTS", artifacts.toString()),
                    artifacts.resolve("cookie-demo-tests.tap"), RUN_TIMEOUT);
        }
        assertEquals(0, result.exitCode(), "node --test failed; its output is above, marked [node]");
        assertEquals(EXPECTED_TESTS, result.count("pass"), "passed tests in the summary " + result.counts());
        assertEquals(0, result.count("fail"), "failed tests in the summary " + result.counts());
        assertTrue(Files.size(artifacts.resolve("cookie-demo.png")) > 0, "the screenshot was taken");
    }
}
