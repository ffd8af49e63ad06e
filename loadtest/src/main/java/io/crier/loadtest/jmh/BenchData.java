package io.crier.loadtest.jmh;

import io.crier.protocol.RawJson;
import java.nio.charset.StandardCharsets;

/**
 * Publication data of an exact size for the microbenchmarks: {@code {"p":"xxx..."}}, one JSON object padded to
 * the requested number of UTF-8 bytes. Stateless and thread-safe.
 */
final class BenchData {

    private static final String HEAD = "{\"p\":\"";
    private static final String TAIL = "\"}";

    private BenchData() {
    }

    /** A JSON object of exactly {@code bytes} UTF-8 bytes. */
    static RawJson of(int bytes) {
        int pad = bytes - HEAD.length() - TAIL.length();
        if (pad < 0) {
            throw new IllegalArgumentException("data below " + (HEAD.length() + TAIL.length()) + " bytes");
        }
        byte[] json = (HEAD + "x".repeat(pad) + TAIL).getBytes(StandardCharsets.UTF_8);
        return RawJson.trusted(json);
    }
}
