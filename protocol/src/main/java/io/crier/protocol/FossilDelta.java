package io.crier.protocol;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fossil's delta format (the one Centrifugo's clients read, fossil-delta on npm): a delta turns a base into a
 * target with copies from the base and literal inserts, and ends with the target's checksum, so that a receiver
 * who applies it to the wrong base finds out instead of delivering wrong data.
 *
 * <p>A delta is ASCII: the target's length, {@code \n}, then commands, each a number in Fossil's base 64 followed
 * by its operator: {@code N@O,} copies N bytes from offset O of the base, {@code N:} inserts the N bytes that follow,
 * and {@code C;} ends the delta with the target's checksum C. {@link #create} finds the copies with a rolling hash
 * over 16-byte blocks of the base; {@link #apply} checks every command against the base, the announced length and
 * a bound, and the checksum at the end.
 *
 * <p>Stateless and thread-safe.
 */
public final class FossilDelta {

    /** The width of the blocks the base is indexed by, and of the rolling hash's window. */
    private static final int NHASH = 16;
    /** How many candidate blocks one position of the target tries at most (Fossil's own limit). */
    private static final int SEARCH_LIMIT = 250;
    private static final byte[] DIGITS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int[] DIGIT_VALUES = new int[128];

    static {
        Arrays.fill(DIGIT_VALUES, -1);
        for (int i = 0; i < DIGITS.length; i++) {
            DIGIT_VALUES[DIGITS[i]] = i;
        }
    }

    private FossilDelta() {
    }

    /** A delta that is malformed, does not fit its base, breaks a bound or fails its checksum. */
    public static final class BadDelta extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        BadDelta(String message) {
            super(message);
        }
    }

    /** The delta that turns {@code base} into {@code target}. */
    public static byte[] create(byte[] base, byte[] target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, target.length / 8));
        putInt(out, target.length);
        out.write('\n');
        if (base.length <= NHASH) {
            insert(out, target, 0, target.length);
            putInt(out, checksum(target, target.length));
            out.write(';');
            return out.toByteArray();
        }
        // Each NHASH-byte block of the base, indexed by its hash; blocks with the same hash are chained.
        int blocks = base.length / NHASH;
        int[] landmark = new int[blocks];
        int[] collide = new int[blocks];
        Arrays.fill(landmark, -1);
        for (int i = 0; i + NHASH <= base.length; i += NHASH) {
            int slot = Integer.remainderUnsigned(RollingHash.of(base, i).value(), blocks);
            collide[i / NHASH] = landmark[slot];
            landmark[slot] = i / NHASH;
        }
        int done = 0; // the target is encoded up to here
        while (done + NHASH < target.length) {
            RollingHash hash = RollingHash.of(target, done);
            int bestCount = 0;
            int bestOffset = 0;
            int bestLiteral = 0;
            for (int i = 0; ; i++) {
                int limit = SEARCH_LIMIT;
                for (int block = landmark[Integer.remainderUnsigned(hash.value(), blocks)];
                     block >= 0 && limit-- > 0; block = collide[block]) {
                    int from = block * NHASH;
                    int forward = 0;
                    while (from + forward < base.length && done + i + forward < target.length
                            && base[from + forward] == target[done + i + forward]) {
                        forward++;
                    }
                    int backward = 0;
                    while (backward < from && backward < i
                            && base[from - backward - 1] == target[done + i - backward - 1]) {
                        backward++;
                    }
                    int count = forward + backward;
                    int offset = from - backward;
                    int literal = i - backward;
                    // A copy is worth its command only when it is longer than the command.
                    int cost = digits(literal) + digits(count) + digits(offset) + 3;
                    if (count >= cost && count > bestCount) {
                        bestCount = count;
                        bestOffset = offset;
                        bestLiteral = literal;
                    }
                }
                if (bestCount > 0) {
                    if (bestLiteral > 0) {
                        insert(out, target, done, bestLiteral);
                        done += bestLiteral;
                    }
                    putInt(out, bestCount);
                    out.write('@');
                    putInt(out, bestOffset);
                    out.write(',');
                    done += bestCount;
                    break;
                }
                if (done + i + NHASH >= target.length) {
                    insert(out, target, done, target.length - done);
                    done = target.length;
                    break;
                }
                hash.roll(target[done + i + NHASH]);
            }
        }
        if (done < target.length) {
            insert(out, target, done, target.length - done);
        }
        putInt(out, checksum(target, target.length));
        out.write(';');
        return out.toByteArray();
    }

    /**
     * The length of the target {@code delta} makes, as it announces it (read before applying, to bound what it
     * may cost).
     *
     * @throws BadDelta when it does not start with a length and {@code \n}
     */
    public static int outputLength(byte[] delta) {
        Reader in = new Reader(delta);
        int length = in.count();
        in.expect('\n', "the length is not followed by a newline");
        return length;
    }

    /**
     * The target that {@code delta} makes from {@code base}, at most {@code maxLength} bytes.
     *
     * @throws BadDelta when the delta is malformed, copies past the base, makes more or fewer bytes than it
     *                  announced or than {@code maxLength}, or its checksum does not match what it made (the wrong
     *                  base, or a corrupt delta)
     */
    public static byte[] apply(byte[] base, byte[] delta, int maxLength) {
        Reader in = new Reader(delta);
        int length = in.count();
        in.expect('\n', "the length is not followed by a newline");
        if (length > maxLength) {
            throw new BadDelta("the delta makes " + length + " bytes, over the bound of " + maxLength);
        }
        byte[] target = new byte[length];
        int made = 0;
        while (in.more()) {
            long number = in.number();
            int operator = in.next();
            // A count or an offset is at most 2^31 - 1; the checksum is a 32-bit word (unsigned in the text).
            int count = operator == ';' ? (int) number : Reader.asCount(number);
            switch (operator) {
                case '@' -> {
                    int offset = in.count();
                    in.expect(',', "a copy is not followed by a comma");
                    if (count > length - made) {
                        throw new BadDelta("a copy makes more than the announced " + length + " bytes");
                    }
                    if (offset > base.length || count > base.length - offset) {
                        throw new BadDelta("a copy reaches past the end of the base");
                    }
                    System.arraycopy(base, offset, target, made, count);
                    made += count;
                }
                case ':' -> {
                    if (count > length - made) {
                        throw new BadDelta("an insert makes more than the announced " + length + " bytes");
                    }
                    in.copyTo(target, made, count);
                    made += count;
                }
                case ';' -> {
                    if (made != length) {
                        throw new BadDelta("the delta made " + made + " bytes, not the announced " + length);
                    }
                    if (count != checksum(target, length)) {
                        throw new BadDelta("checksum mismatch: the wrong base, or a corrupt delta");
                    }
                    if (in.more()) {
                        throw new BadDelta("bytes after the end of the delta");
                    }
                    return target;
                }
                default -> throw new BadDelta("unknown command '" + (char) operator + "'");
            }
        }
        throw new BadDelta("the delta has no end (no checksum)");
    }

    /** Fossil's checksum: the bytes summed as big-endian 32-bit words in four lanes, the tail shifted into place. */
    static int checksum(byte[] bytes, int length) {
        int sum0 = 0;
        int sum1 = 0;
        int sum2 = 0;
        int sum3 = 0;
        int i = 0;
        for (; length - i >= 4; i += 4) {
            sum0 += bytes[i] & 0xff;
            sum1 += bytes[i + 1] & 0xff;
            sum2 += bytes[i + 2] & 0xff;
            sum3 += bytes[i + 3] & 0xff;
        }
        sum3 += (sum2 << 8) + (sum1 << 16) + (sum0 << 24);
        switch (length - i) {
            case 3 -> sum3 += ((bytes[i + 2] & 0xff) << 8) + ((bytes[i + 1] & 0xff) << 16) + ((bytes[i] & 0xff) << 24);
            case 2 -> sum3 += ((bytes[i + 1] & 0xff) << 16) + ((bytes[i] & 0xff) << 24);
            case 1 -> sum3 += (bytes[i] & 0xff) << 24;
            default -> {
                // a whole number of words: no tail
            }
        }
        return sum3;
    }

    private static void insert(ByteArrayOutputStream out, byte[] bytes, int from, int count) {
        putInt(out, count);
        out.write(':');
        out.write(bytes, from, count);
    }

    /** {@code value} (taken as unsigned) in Fossil's base 64, most significant digit first. */
    private static void putInt(ByteArrayOutputStream out, int value) {
        if (value == 0) {
            out.write('0');
            return;
        }
        byte[] reversed = new byte[6];
        int n = 0;
        for (long v = Integer.toUnsignedLong(value); v > 0; v >>>= 6) {
            reversed[n++] = DIGITS[(int) (v & 0x3f)];
        }
        while (n > 0) {
            out.write(reversed[--n]);
        }
    }

    private static int digits(int value) {
        int n = 1;
        for (long v = Integer.toUnsignedLong(value) >>> 6; v > 0; v >>>= 6) {
            n++;
        }
        return n;
    }

    /** Fossil's rolling hash over NHASH bytes: two 16-bit sums, the plain one and the position-weighted one. */
    private static final class RollingHash {

        private final byte[] window = new byte[NHASH];
        private int a;
        private int b;
        private int at;

        static RollingHash of(byte[] bytes, int from) {
            RollingHash hash = new RollingHash();
            int a = 0;
            int b = 0;
            for (int i = 0; i < NHASH; i++) {
                int c = bytes[from + i] & 0xff;
                a += c;
                b += (NHASH - i) * c;
                hash.window[i] = bytes[from + i];
            }
            hash.a = a & 0xffff;
            hash.b = b & 0xffff;
            return hash;
        }

        /** Slides the window one byte on: {@code c} comes in, the oldest byte leaves. */
        void roll(byte c) {
            int old = window[at] & 0xff;
            window[at] = c;
            at = (at + 1) & (NHASH - 1);
            a = (a - old + (c & 0xff)) & 0xffff;
            b = (b - NHASH * old + a) & 0xffff;
        }

        int value() {
            return a | (b << 16);
        }
    }

    /** Reads a delta's numbers, operators and literal bytes, each read checked against the delta's end. */
    private static final class Reader {

        private final byte[] delta;
        private int at;

        Reader(byte[] delta) {
            this.delta = delta;
        }

        boolean more() {
            return at < delta.length;
        }

        int next() {
            if (at >= delta.length) {
                throw new BadDelta("the delta ends in the middle of a command");
            }
            return delta[at++] & 0xff;
        }

        void expect(char expected, String problem) {
            if (at >= delta.length || delta[at] != expected) {
                throw new BadDelta(problem);
            }
            at++;
        }

        /** A number in Fossil's base 64, at most 2^32 - 1 (a checksum's range). */
        long number() {
            long value = 0;
            int start = at;
            while (at < delta.length) {
                int c = delta[at] & 0xff;
                int digit = c < 128 ? DIGIT_VALUES[c] : -1;
                if (digit < 0) {
                    break;
                }
                value = (value << 6) | digit;
                if (value > 0xFFFF_FFFFL) {
                    throw new BadDelta("a number over 2^32 - 1");
                }
                at++;
            }
            if (at == start) {
                throw new BadDelta("a number is missing");
            }
            return value;
        }

        /** A length, count or offset: a number of at most 2^31 - 1. */
        int count() {
            return asCount(number());
        }

        static int asCount(long number) {
            if (number > Integer.MAX_VALUE) {
                throw new BadDelta("a length, count or offset over 2^31 - 1");
            }
            return (int) number;
        }

        void copyTo(byte[] target, int into, int count) {
            if (count > delta.length - at) {
                throw new BadDelta("an insert runs past the end of the delta");
            }
            System.arraycopy(delta, at, target, into, count);
            at += count;
        }
    }
}
