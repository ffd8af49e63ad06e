package io.crier.loadtest.bench;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * The publication data the benchmark sends: one JSON object of exactly the configured size,
 * {@code {"k":"crier-bench","o":"<topic 8 hex>","s":"<seq 16 hex>","t":"<nanoTime 16 hex>","p":"xxx..."}}.
 * Fixed-width hex fields let a receiver read the topic index, sequence number and send time at fixed offsets,
 * without a JSON parser, and let the sender stamp a template without re-encoding it. The pad is one repeated letter
 * (which compresses to almost nothing), or with {@link #fillDocument} a document of fixed-width entries
 * {@code ABCD:0123.45;} with random keys and values, of which {@link #change} rewrites a share per publication, as a
 * price list or a scoreboard changes. Stateless and thread-safe.
 */
final class BenchPayload {

    private static final byte[] HEAD = ascii("{\"k\":\"crier-bench\",\"o\":\"");
    private static final byte[] SEQ = ascii("\",\"s\":\"");
    private static final byte[] TIME = ascii("\",\"t\":\"");
    private static final byte[] PAD = ascii("\",\"p\":\"");
    private static final byte[] TAIL = ascii("\"}");
    private static final byte[] HEX = ascii("0123456789abcdef");

    static final int TOPIC_AT = HEAD.length;
    static final int SEQ_AT = TOPIC_AT + 8 + SEQ.length;
    static final int TIME_AT = SEQ_AT + 16 + TIME.length;
    /** The smallest payload: the fields with an empty pad. */
    static final int MIN_BYTES = TIME_AT + 16 + PAD.length + TAIL.length;
    /** Where the pad starts. */
    private static final int PAD_AT = TIME_AT + 16 + PAD.length;
    /** One document entry: four capitals, a colon, a price with two decimals, a semicolon. */
    private static final int ENTRY = 13;
    private static final int VALUE_AT = 5;

    private BenchPayload() {
    }

    /** A template of {@code size} bytes with zeroed fields, to copy and {@link #stamp}. */
    static byte[] template(int size) {
        if (size < MIN_BYTES) {
            throw new IllegalArgumentException("payload below " + MIN_BYTES + " bytes");
        }
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 'x');
        int at = put(out, 0, HEAD);
        Arrays.fill(out, at, at + 8, (byte) '0');
        at = put(out, at + 8, SEQ);
        Arrays.fill(out, at, at + 16, (byte) '0');
        at = put(out, at + 16, TIME);
        Arrays.fill(out, at, at + 16, (byte) '0');
        put(out, at + 16, PAD);
        put(out, size - TAIL.length, TAIL);
        return out;
    }

    /** Writes the topic index, sequence number and send time into a copy of a {@link #template}. */
    static void stamp(byte[] payload, int topic, long seq, long sentNanos) {
        hex(payload, TOPIC_AT, topic, 8);
        hex(payload, SEQ_AT, seq, 16);
        hex(payload, TIME_AT, sentNanos, 16);
    }

    /**
     * Where a benchmark payload starts in {@code frame[from, to)}: at {@code to - 1 - size} when the frame ends
     * with it (a {@code message} push puts {@code data} last), else found by a scan; -1 when it holds none.
     */
    static int locate(ByteBuf frame, int from, int to, int size) {
        int guess = to - 1 - size;
        if (guess >= from && startsWithHead(frame, guess)) {
            return guess;
        }
        for (int at = from; at + MIN_BYTES <= to; at++) {
            if (startsWithHead(frame, at)) {
                return at;
            }
        }
        return -1;
    }

    /** The topic index of the payload at {@code at}. */
    static int topic(ByteBuf frame, int at) {
        return (int) parseHex(frame, at + TOPIC_AT, 8);
    }

    /** The sequence number of the payload at {@code at}. */
    static long seq(ByteBuf frame, int at) {
        return parseHex(frame, at + SEQ_AT, 16);
    }

    /** The send time ({@code System.nanoTime()} of the publisher) of the payload at {@code at}. */
    static long sentNanos(ByteBuf frame, int at) {
        return parseHex(frame, at + TIME_AT, 16);
    }

    private static boolean startsWithHead(ByteBuf frame, int at) {
        for (int i = 0; i < HEAD.length; i++) {
            if (frame.getByte(at + i) != HEAD[i]) {
                return false;
            }
        }
        return true;
    }

    private static long parseHex(ByteBuf frame, int at, int digits) {
        long value = 0;
        for (int i = 0; i < digits; i++) {
            int c = frame.getByte(at + i);
            int d = c <= '9' ? c - '0' : c - 'a' + 10;
            value = (value << 4) | (d & 0xf);
        }
        return value;
    }

    private static void hex(byte[] out, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
    }

    /**
     * Fills the pad of a {@link #template} with document entries ({@code ABCD:0123.45;}) drawn from {@code random},
     * the bytes left after the last whole entry with spaces; returns the number of entries.
     */
    static int fillDocument(byte[] payload, Random random) {
        int end = payload.length - TAIL.length;
        int entries = (end - PAD_AT) / ENTRY;
        for (int i = 0; i < entries; i++) {
            int at = PAD_AT + i * ENTRY;
            for (int k = 0; k < 4; k++) {
                payload[at + k] = (byte) ('A' + random.nextInt(26));
            }
            payload[at + 4] = ':';
            value(payload, at + VALUE_AT, random);
            payload[at + ENTRY - 1] = ';';
        }
        Arrays.fill(payload, PAD_AT + entries * ENTRY, end, (byte) ' ');
        return entries;
    }

    /** Gives new values to {@code percent}% of a {@link #fillDocument document}'s entries (at least one), in place. */
    static void change(byte[] payload, int entries, int percent, Random random) {
        int changes = Math.max(1, entries * percent / 100);
        for (int i = 0; i < changes; i++) {
            value(payload, PAD_AT + random.nextInt(entries) * ENTRY + VALUE_AT, random);
        }
    }

    /** A price {@code 0123.45} at {@code at}. */
    private static void value(byte[] payload, int at, Random random) {
        for (int d = 0; d < 7; d++) {
            payload[at + d] = d == 4 ? (byte) '.' : (byte) ('0' + random.nextInt(10));
        }
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
