package io.crier.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Fossil deltas: those fossil-delta 2.0.0 (npm, what Centrifugo's JavaScript client uses) made for the cases in
 * {@code src/test/resources/fossil/} apply here to the same targets, and this side's deltas round-trip, stay small
 * for small changes, and are refused whenever they do not fit their base.
 */
class FossilDeltaTest {

    private static final int MAX = 1 << 20;

    @ParameterizedTest
    @ValueSource(strings = {"prices", "small", "empty-target", "unrelated", "moved"})
    void aDeltaMadeByFossilDeltaOnNpmAppliesToTheSameTarget(String name) throws IOException {
        byte[] base = resource(name + ".base");
        byte[] target = resource(name + ".target");
        byte[] delta = resource(name + ".delta");
        assertEquals(target.length, FossilDelta.outputLength(delta));
        assertArrayEquals(target, FossilDelta.apply(base, delta, MAX));
        assertArrayEquals(target, FossilDelta.apply(base, FossilDelta.create(base, target), MAX), "ours too");
    }

    @Test
    void aDocumentThatChangesFivePercentGivesADeltaOfAFewPercent() {
        Random random = new Random(5);
        byte[] base = document(random, 150);
        byte[] target = base.clone();
        for (int i = 0; i < 7; i++) {
            int entry = random.nextInt(150);
            for (int d = 0; d < 7; d++) {
                target[entry * 13 + 5 + d] = (byte) ('0' + random.nextInt(10));
            }
        }
        byte[] delta = FossilDelta.create(base, target);
        assertArrayEquals(target, FossilDelta.apply(base, delta, MAX));
        assertTrue(delta.length < target.length / 8, delta.length + " bytes for " + target.length);
    }

    @Test
    void randomEditsRoundTrip() {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            byte[] base = new byte[random.nextInt(3000)];
            random.nextBytes(base);
            byte[] target = edit(base, random);
            byte[] delta = FossilDelta.create(base, target);
            assertArrayEquals(target, FossilDelta.apply(base, delta, MAX), "round " + round);
        }
    }

    @Test
    void theWrongBaseFailsTheChecksumInsteadOfMakingWrongData() {
        byte[] base = "the price of ACME is 101.25 and of INIT is 12.00, as of noon today".getBytes(StandardCharsets.UTF_8);
        byte[] target = "the price of ACME is 101.30 and of INIT is 12.00, as of noon today".getBytes(StandardCharsets.UTF_8);
        byte[] delta = FossilDelta.create(base, target);
        byte[] other = base.clone();
        other[13] = 'X';
        FossilDelta.BadDelta wrong = assertThrows(FossilDelta.BadDelta.class, () -> FossilDelta.apply(other, delta, MAX));
        assertTrue(wrong.getMessage().contains("checksum"), wrong.getMessage());
    }

    @Test
    void malformedAndOutOfBoundDeltasAreRefused() {
        byte[] base = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        for (String bad : new String[] {
            "",                 // nothing
            "5",                // no newline after the length
            "5\n5:abc",         // an insert past the end of the delta
            "3\n5@0,0;",        // a copy past the announced length
            "5\n5@40,0;",       // a copy past the end of the base
            "5\n5@33,0;",       // a copy that starts inside the base and runs past it
            "5\n5?0,0;",        // an unknown command
            "5\n5@0,",          // no end
            "5\n3@0,0;",        // fewer bytes than announced (checked before the checksum)
            "5\n5@0;",          // a copy without its comma
            "~~~~~~\n0;",       // a length over 2^31 - 1
            "0\n0;x",           // bytes after the end
            "5\n@0,0;",         // a missing number
        }) {
            byte[] delta = bad.getBytes(StandardCharsets.US_ASCII);
            assertThrows(FossilDelta.BadDelta.class, () -> FossilDelta.apply(base, delta, MAX), bad);
        }
        byte[] big = FossilDelta.create(base, "x".repeat(5000).getBytes(StandardCharsets.US_ASCII));
        FossilDelta.BadDelta over = assertThrows(FossilDelta.BadDelta.class, () -> FossilDelta.apply(base, big, 4096));
        assertTrue(over.getMessage().contains("over the bound"), over.getMessage());
    }

    @Test
    void aChecksumOverTwoToTheThirtyFirstIsReadAsTheUnsignedWordItIs() {
        byte[] target = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0};
        assertTrue(FossilDelta.checksum(target, target.length) < 0, "the high bit is set");
        byte[] delta = FossilDelta.create(new byte[0], target);
        assertArrayEquals(target, FossilDelta.apply(new byte[0], delta, MAX));
    }

    /** Fixed-width entries {@code ABCD:0123.45;}, as the bench's documents. */
    private static byte[] document(Random random, int entries) {
        byte[] out = new byte[entries * 13];
        for (int i = 0; i < entries; i++) {
            int at = i * 13;
            for (int k = 0; k < 4; k++) {
                out[at + k] = (byte) ('A' + random.nextInt(26));
            }
            out[at + 4] = ':';
            for (int d = 0; d < 7; d++) {
                out[at + 5 + d] = d == 4 ? (byte) '.' : (byte) ('0' + random.nextInt(10));
            }
            out[at + 12] = ';';
        }
        return out;
    }

    /** {@code base} with a few random cuts, insertions and moves. */
    private static byte[] edit(byte[] base, Random random) {
        byte[] out = base.clone();
        for (int e = random.nextInt(5); e >= 0; e--) {
            int at = out.length == 0 ? 0 : random.nextInt(out.length);
            switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] insert = new byte[random.nextInt(40)];
                    random.nextBytes(insert);
                    byte[] next = new byte[out.length + insert.length];
                    System.arraycopy(out, 0, next, 0, at);
                    System.arraycopy(insert, 0, next, at, insert.length);
                    System.arraycopy(out, at, next, at + insert.length, out.length - at);
                    out = next;
                }
                case 1 -> {
                    int cut = Math.min(random.nextInt(60), out.length - at);
                    byte[] next = new byte[out.length - cut];
                    System.arraycopy(out, 0, next, 0, at);
                    System.arraycopy(out, at + cut, next, at, out.length - at - cut);
                    out = next;
                }
                default -> {
                    int from = out.length == 0 ? 0 : random.nextInt(out.length);
                    out = concat(Arrays.copyOfRange(out, from, out.length), Arrays.copyOfRange(out, 0, from));
                }
            }
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FossilDeltaTest.class.getResourceAsStream("/fossil/" + name)) {
            if (in == null) {
                throw new IOException("no resource /fossil/" + name);
            }
            return in.readAllBytes();
        }
    }
}
