package io.crier.loadtest.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one abuse case of one round did: how many clients it ran, how each saw its connection end (close code,
 * HTTP status, end of stream), and how many of them the node counted under the case's reason
 * ({@code crier_disconnects_total} or {@code crier_handshakes_refused_total}). Immutable.
 *
 * @param name      the case, as the table prints it
 * @param clients   clients run (0: the case was left out)
 * @param expected  the end each client should see ({@code close 4502}, {@code http 431}), or null when a client
 *                  cannot see it (a stalled reader never reads its close frame) and only the node's count is checked
 * @param seen      each end seen, with how many clients saw it
 * @param nodeCount how many the node counted under the case's reason during the case
 * @param seconds   how long the case took
 */
record CaseResult(String name, int clients, String expected, Map<String, Integer> seen, long nodeCount,
                  double seconds) {

    CaseResult {
        seen = new TreeMap<>(seen);
    }

    /** Whether the node counted every client under the case's reason, and each saw the expected end. */
    boolean passed() {
        return nodeCount == clients && (expected == null || seen.getOrDefault(expected, 0) == clients);
    }

    /** One line for the log: {@code flood: 8 clients, node counted 8, seen {close 4502=8}, 0.4 s}. */
    String describe() {
        return String.format(Locale.ROOT, "%s: %d clients, node counted %d, seen %s, %.1f s%s", name,
                clients, nodeCount, seen, seconds, passed() ? "" : " NOT AS EXPECTED (" + expected + ")");
    }

    /** How a client saw its connection end, from {@link RawClient#readToEnd}'s code. */
    static String end(int code) {
        return switch (code) {
            case -1 -> "eof";
            case -2 -> "timeout";
            default -> "close " + code;
        };
    }
}
