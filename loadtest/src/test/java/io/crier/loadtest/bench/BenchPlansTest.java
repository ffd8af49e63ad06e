package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Several hold processes share one run ({@code --run}) without sharing a user or a source address: a process's
 * clients are the run's clients from {@code --first-client} on, and connect from its own {@code --source-offset}
 * range.
 */
class BenchPlansTest {

    private static final Pattern TOKEN = Pattern.compile("\"token\":\"[^.]+\\.([^.]+)\\.");
    private static final Pattern SUB = Pattern.compile("\"sub\":\"([^\"]+)\"");

    @Test
    void aProcessPlansTheRunsClientsFromItsFirstOnFromItsOwnSources() {
        Bench bench = Bench.of("hold", "--url=ws://127.0.0.1:1001/ws,ws://127.0.0.1:1002/ws,ws://127.0.0.1:1003/ws",
                "--run=sharedrun", "--topics=1", "--first-client=10", "--sources=4", "--source-offset=8");
        List<ClientPlan> plans = bench.plans(5);
        assertAll(
                () -> assertEquals(List.of(10, 11, 12, 13, 14), plans.stream().map(ClientPlan::index).toList()),
                () -> assertEquals(List.of("bench-sharedrun-10", "bench-sharedrun-11", "bench-sharedrun-12",
                        "bench-sharedrun-13", "bench-sharedrun-14"), plans.stream().map(BenchPlansTest::user).toList()),
                () -> assertEquals(List.of("127.0.0.9", "127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.9"),
                        plans.stream().map(ClientPlan::sourceAddress).toList()),
                () -> assertEquals(List.of(1002, 1003, 1001, 1002, 1003),
                        plans.stream().map(ClientPlan::port).toList(), "client i goes to url i % urls"),
                () -> assertEquals("bench.sharedrun.0", bench.topics()[0], "the run's one topic"));
    }

    @Test
    void refusesSourcesPastTheLoopbackRangeAndRunNamesThatAreNotPartOfATopicName() {
        assertThrows(IllegalArgumentException.class, () -> Bench.of("hold", "--sources=16", "--source-offset=240"));
        assertThrows(IllegalArgumentException.class, () -> Bench.of("hold", "--run=Not.A.Run"));
        assertThrows(IllegalArgumentException.class, () -> Bench.of("hold", "--first-client=-1"));
    }

    /** The {@code sub} of the token in the plan's auth frame. */
    private static String user(ClientPlan plan) {
        Matcher token = TOKEN.matcher(new String(plan.authFrame(), StandardCharsets.UTF_8));
        assertTrue(token.find(), "a token in the auth frame");
        String claims = new String(Base64.getUrlDecoder().decode(token.group(1)), StandardCharsets.UTF_8);
        Matcher sub = SUB.matcher(claims);
        assertTrue(sub.find(), "a sub in the token's claims");
        return sub.group(1);
    }
}
