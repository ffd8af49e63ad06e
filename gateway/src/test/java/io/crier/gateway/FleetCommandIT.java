package io.crier.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.HistoryOptions;
import io.crier.cluster.redis.Publisher;
import io.crier.protocol.ClientCommands;
import io.crier.gateway.support.FleetClient;
import io.crier.gateway.support.FleetClients;
import io.crier.gateway.support.FleetCommand;
import io.crier.gateway.support.HaproxyProcess;
import io.crier.gateway.support.SteadyBackend;
import io.crier.gateway.support.WsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local fleet of deploy/README.md, run as it shows it: {@code deploy/bin/fleet} with no arguments and only
 * {@code FLEET_PORT} set (to a free port here, 8000 by default). Through the URL it prints (HAProxy), the demo page
 * is served and {@code /dev/token} gives a token that every node accepts (each is asked directly, on its printed
 * port). A client follows a demo topic with history through HAProxy while a backend publishes to it; the node it is
 * on gets SIGTERM by its printed PID, and the client moves through HAProxy to another node and gets every
 * publication once, in order. SIGINT (Ctrl-C) then stops the command, which exits 0 with every printed PID gone.
 */
class FleetCommandIT {

    /** A topic of the demo's {@code ticker} namespace: history in deploy/demo.properties. */
    private static final String TOPIC = "ticker:fleet-command-it";
    /** The ticker namespace's history: {@code historySize=100} in deploy/demo.properties, the bundled 5m TTL. */
    private static final HistoryOptions HISTORY = new HistoryOptions(100, Duration.ofMinutes(5));
    /** Ten publications a second: fewer than the history holds go by while the client moves. */
    private static final Duration TICK = Duration.ofMillis(100);
    private static final int MAX_TICKS = 600;
    /** Three node JVMs starting side by side on a shared 2-core machine, plus a build if the jar were stale. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** A drain: drain.readinessDelay (5s), drain.window (1s), the reconnect hint (up to 1s), with room. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("^\\{\"token\":\"([A-Za-z0-9_.-]+)\"}$");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theReadmesFleetCommandMovesAClientOffAStoppedNodeAndStopsEverythingOnCtrlC() throws Exception {
        Path readme = HaproxyProcess.shippedConfig().getParent().getParent().getParent().resolve("README.md");
        assertEquals(List.of("deploy/bin/fleet"), Files.readAllLines(readme, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("deploy/bin/fleet")).map(line -> line.replaceAll("\\s+#.*", ""))
                .toList(), "the README shows the command this test runs, with no arguments");
        try (FleetCommand fleet = FleetCommand.start(freePort(), START_TIMEOUT)) {
            assertEquals(List.of("node-1", "node-2", "node-3"),
                    fleet.nodes().stream().map(FleetCommand.Node::id).toList());
            HttpResponse<String> page = get(fleet.url());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Crier demo"), page.body());
            String token = devToken(fleet.url());
            for (FleetCommand.Node node : fleet.nodes()) {
                assertAcceptedDirectly(node, token);
            }

            FleetCommand.Node stopped = followThroughANodeStop(fleet, token);

            await("the command reports the stopped node").atMost(Duration.ofSeconds(5))
                    .until(() -> fleet.printed(stopped.id() + " (pid " + stopped.pid() + ") has exited"));
            fleet.interrupt();
            assertEquals(0, fleet.awaitExit(STEP_TIMEOUT), fleet.output());
            assertTrue(fleet.printed("stopped everything it started"), fleet.output());
            await("every PID the command printed is gone").atMost(Duration.ofSeconds(5))
                    .until(() -> fleet.pids().stream().noneMatch(FleetCommand::running));
            deleteRecursively(fleet.runFolder());
        }
    }

    /**
     * A client on {@link #TOPIC} through HAProxy while a backend publishes; SIGTERM to the node it is on; returns
     * that node once the client has every publication, once and in order, from another node.
     */
    private static FleetCommand.Node followThroughANodeStop(FleetCommand fleet, String token) throws Exception {
        try (Publisher publisher = Publisher.connect("redis://127.0.0.1:" + fleet.redisPort(), "crier:");
             FleetClients clients = new FleetClients()) {
            // One publication first, so that the client's first subscribe has an epoch to resume in.
            publisher.publish(TOPIC, "{\"seed\":true}", HISTORY);
            FleetClient client = clients.connect(clients.client(TOPIC, token, fleet.wsUri()), STEP_TIMEOUT);
            FleetCommand.Node first = fleet.node(client.nodes().get(0));
            try (SteadyBackend backend = new SteadyBackend(publisher, List.of(TOPIC), HISTORY, TICK, MAX_TICKS)) {
                await("publications before the stop").atMost(STEP_TIMEOUT).until(() -> client.lastOffset() >= 10);
                assertTrue(ProcessHandle.of(first.pid()).orElseThrow().destroy(), "SIGTERM to " + first);
                await(first.id() + " drained and exited on SIGTERM").atMost(STEP_TIMEOUT)
                        .until(() -> !FleetCommand.running(first.pid()));
                await("the client subscribed again on another node").atMost(STEP_TIMEOUT)
                        .until(() -> client.subscribes().size() >= 2);
                long moved = client.lastOffset();
                await("publications after the move").atMost(STEP_TIMEOUT)
                        .until(() -> client.lastOffset() >= moved + 10);
                backend.stop();
                Map<String, Long> last = backend.finalOffsets();
                clients.awaitCaughtUp(last, STEP_TIMEOUT);

                assertEquals(List.of(), client.problems());
                long from = client.subscribes().get(0).offset() + 1;
                assertEquals(LongStream.rangeClosed(from, last.get(TOPIC)).boxed().toList(), client.offsets(),
                        "every publication once, in order");
                assertEquals(1, client.epochs().size(), "one epoch: " + client.epochs());
                assertTrue(client.subscribes().stream().skip(1).allMatch(FleetClient.Subscribed::recovered),
                        "every resubscribe recovered: " + client.subscribes());
                assertEquals(2, client.nodes().size(), "one move: " + client.nodes());
                assertNotEquals(first.id(), client.nodes().get(1));
                return first;
            }
        }
    }

    /** A WebSocket straight to the node's printed port: the token authenticates, and the node is the one named. */
    private static void assertAcceptedDirectly(FleetCommand.Node node, String token) throws Exception {
        try (WsTestClient socket = WsTestClient.connect(node.wsUri())) {
            socket.send(ClientCommands.auth(1, token));
            assertEquals("{\"type\":\"ok\",\"id\":1}", socket.await(frame -> frame.contains("\"id\":1")), node.id());
            assertTrue(socket.awaitContaining("\"type\":\"welcome\"").contains("\"node\":\"" + node.id() + "\""));
        }
    }

    /** GET /dev/token?user=x through the printed URL, as the demo page asks for its token. */
    private static String devToken(URI url) throws Exception {
        HttpResponse<String> response = get(url.resolve("/dev/token?user=x"));
        assertEquals(200, response.statusCode(), response.body());
        Matcher token = TOKEN.matcher(response.body());
        assertTrue(token.matches(), response.body());
        return token.group(1);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
