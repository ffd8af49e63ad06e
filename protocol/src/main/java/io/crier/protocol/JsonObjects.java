package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How the codecs write a JSON object to bytes, and splice prebuilt parts. Stateless. */
final class JsonObjects {

    /** Writes the fields of one JSON object, between its braces. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonObjects() {
    }

    /** One JSON object of {@code fields}, as UTF-8 bytes. */
    static byte[] write(JsonFactory factory, int sizeHint, Fields fields) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
            writeObject(json, fields);
        } catch (IOException e) {
            // Writing to memory cannot fail (Jackson escapes even unpaired surrogates), short of a bug.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes one JSON object of {@code fields} to {@code json}: its braces and what is between them. */
    static void writeObject(JsonGenerator json, Fields fields) throws IOException {
        json.writeStartObject();
        fields.write(json);
        json.writeEndObject();
    }

    /** Copies {@code part} into {@code out} at {@code at}; returns the index after it. */
    static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }
}
