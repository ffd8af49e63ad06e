package io.crier.loadtest.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.RedisServerProcess;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.support.TestFleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The piece {@code bin/bench-fleet} is built on, at a small size: two hold-mode benchmarks (one run, so one
 * topic; their own users, source addresses and a share of both nodes each) hold their connections on a fleet of two
 * nodes, the fleet's cluster view counts them, one publication goes in through the HTTP publish API of one node,
 * and each hold counts that every one of its connections got it once. It asserts delivery, never speed.
 */
@Timeout(90)
class HoldCountIT {

    private static final String ADMIN_KEY = "hold-count-it-admin-key-0123456789abcdef";
    private static final String API_KEY = "hold-count-it-api-key-0123456789abcdefgh";
    private static final int PER_HOLD = 40;
    private static final Pattern CONNECTIONS = Pattern.compile("\"connections\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyHeldConnectionAcrossTheFleetGetsTheOnePublicationOnce() throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        Map<String, String> env = TestFleet.env(new String(TestTokens.secret(), StandardCharsets.UTF_8), redis);
        env.put("CRIER_ADMIN_KEY", ADMIN_KEY);
        env.put("CRIER_API_KEY", API_KEY);
        env.put("CRIER_CLUSTER_NODE_LEASE", "2s");
        env.put("CRIER_CLUSTER_NODE_REFRESH_INTERVAL", "200ms");
        try (TestFleet nodes = TestFleet.start(redis, 2, env)) { // stops redis too
            String urls = nodes.node(0).webSocketUrl() + "," + nodes.node(1).webSocketUrl();
            List<Bench> benches = List.of(hold(urls, 0, 0), hold(urls, PER_HOLD, 4));
            List<ClientFleet> fleets = new ArrayList<>();
            try {
                List<HoldRun> holds = new ArrayList<>();
                for (Bench bench : benches) {
                    ClientFleet fleet = new ClientFleet(1, 20);
                    fleets.add(fleet);
                    HoldRun hold = new HoldRun(bench.options(), bench);
                    holds.add(hold);
                    assertEquals(PER_HOLD, hold.connect(fleet), "held connections");
                }
                await("the cluster view counts every held connection, half on each node")
                        .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> clusterView(nodes.node(1).baseUrl()), List.of(PER_HOLD, PER_HOLD)::equals);

                List<HoldRun.CountStart> starts = new ArrayList<>();
                for (int i = 0; i < holds.size(); i++) {
                    starts.add(holds.get(i).startCount(fleets.get(i), PER_HOLD));
                }
                publish(nodes.node(0).baseUrl(), benches.get(0).topics()[0], starts.get(0).data());
                for (int i = 0; i < holds.size(); i++) {
                    HoldRun.Counted counted = holds.get(i).await(fleets.get(i), PER_HOLD, starts.get(i));
                    assertAll("hold " + i,
                            () -> assertEquals(PER_HOLD, counted.complete(), "connections that got it"),
                            () -> assertEquals(PER_HOLD, counted.deliveries(), "deliveries"),
                            () -> assertEquals(0, counted.totals().duplicates, "duplicates"),
                            () -> assertEquals(0, counted.totals().foreign, "foreign"),
                            () -> assertTrue(counted.everyOne(), "every connection once"));
                }
            } finally {
                fleets.forEach(ClientFleet::close);
            }
        }
    }

    /** A hold-mode benchmark of the shared run, its clients from {@code first}, its sources from offset on. */
    private static Bench hold(String urls, int first, int sourceOffset) {
        return Bench.of("hold", "--url=" + urls, "--run=holdcountit", "--connections=" + PER_HOLD, "--topics=1",
                "--first-client=" + first, "--sources=4", "--source-offset=" + sourceOffset, "--threads=1",
                "--connect-timeout=20s", "--count-timeout=20s", "--label=hold-" + first);
    }

    /** Each node's connection count, as the cluster view on the node at {@code baseUrl} answers (sorted by id). */
    private static List<Integer> clusterView(String baseUrl) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/nodes"))
                .header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<Integer> counts = new ArrayList<>();
        Matcher matcher = CONNECTIONS.matcher(response.body());
        while (matcher.find()) {
            counts.add(Integer.parseInt(matcher.group(1)));
        }
        return counts;
    }

    /** Publishes {@code data} (JSON) on {@code topic} as a backend does: the node's HTTP publish API. */
    private static void publish(String baseUrl, String topic, String data) throws Exception {
        String body = "{\"topic\":\"" + topic + "\",\"data\":" + data + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/publish"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }
}
