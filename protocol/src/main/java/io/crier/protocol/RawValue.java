package io.crier.protocol;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A {@link RawJson} seen as Jackson's {@link SerializableString}, so that a UTF-8 generator's
 * {@code writeRawValue} copies its bytes as they are, between generated fields, with no decoding to text and
 * back. Only the unquoted forms make sense for a JSON value; the quoted ones are refused.
 *
 * <p>Immutable and thread-safe.
 */
final class RawValue implements SerializableString {

    private final RawJson json;

    RawValue(RawJson json) {
        this.json = json;
    }

    @Override
    public String getValue() {
        return json.text();
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return json.toBytes();
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + json.length() > buffer.length) {
            return -1; // the generator then writes asUnquotedUTF8() through its slow path
        }
        json.copyTo(buffer, offset);
        return json.length();
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String text = getValue();
        if (offset + text.length() > buffer.length) {
            return -1;
        }
        text.getChars(0, text.length(), buffer, offset);
        return text.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(json.toBytes());
        return json.length();
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (json.length() > buffer.remaining()) {
            return -1;
        }
        buffer.put(json.toBytes());
        return json.length();
    }

    @Override
    public char[] asQuotedChars() {
        throw quoted();
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw quoted();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw quoted();
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw quoted();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw quoted();
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw quoted();
    }

    private static UnsupportedOperationException quoted() {
        return new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }
}
