package io.crier.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One complete JSON value (object, array, string, number, boolean or null) held as its UTF-8 bytes,
 * exactly as it was received. Publication data travels as {@code RawJson} so that the gateway never
 * re-serialises it: the bytes a backend wrote are the bytes every subscriber reads.
 *
 * <p>Only the codecs in this package create instances from untrusted input, after validating them.
 * Immutable: the array is never exposed for writing. Thread-safe.
 */
public final class RawJson {

    private final byte[] utf8;

    private RawJson(byte[] utf8) {
        this.utf8 = utf8;
    }

    /**
     * Wraps bytes that the caller guarantees to be one valid JSON value. The array is not copied: the
     * caller must not change it afterwards.
     */
    public static RawJson trusted(byte[] utf8) {
        return new RawJson(Objects.requireNonNull(utf8, "utf8"));
    }

    /** Wraps text that the caller guarantees to be one valid JSON value. */
    public static RawJson trusted(String json) {
        return new RawJson(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The number of UTF-8 bytes. */
    public int length() {
        return utf8.length;
    }

    /** A copy of the UTF-8 bytes. */
    public byte[] toBytes() {
        return utf8.clone();
    }

    /** Copies the bytes into {@code target} at {@code offset}; returns the offset after them. */
    public int copyTo(byte[] target, int offset) {
        System.arraycopy(utf8, 0, target, offset, utf8.length);
        return offset + utf8.length;
    }

    /** The JSON text. */
    public String text() {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawJson that && Arrays.equals(utf8, that.utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
        return text();
    }
}
