package io.crier.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes JSON objects to bytes as {@link JsonObjects#write} does, byte for byte, but through one generator and one
 * buffer kept per thread instead of a generator, its context and a buffer built for every object: a codec's writes
 * on the event loops (replies, pushes) then leave only their result behind. A thread keeps at most
 * {@link #MAX_KEPT_BYTES} of buffer (plus the generator's own 8,000-byte one) per instance; a write that failed
 * drops the thread's generator, whose state it may have left half-written.
 *
 * <p>Thread-safe: each thread writes through its own generator. A write started inside another on the same thread
 * (no codec does that) gets a generator of its own, as before.
 */
final class JsonOutput {

    /** The largest buffer a thread keeps between writes; a larger one, grown by a large object, is let go. */
    static final int MAX_KEPT_BYTES = 16 * 1024;

    private final JsonFactory factory;
    private final int sizeHint;
    private final ThreadLocal<Writer> writers = new ThreadLocal<>();

    /**
     * @param factory  the codec's factory, whose write features every object is written with
     * @param sizeHint the usual size of one object, in bytes: the first buffer's size
     */
    JsonOutput(JsonFactory factory, int sizeHint) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.sizeHint = sizeHint;
    }

    /** One JSON object of {@code fields}, as UTF-8 bytes. */
    byte[] write(JsonObjects.Fields fields) {
        Writer writer = writers.get();
        if (writer == null) {
            writer = new Writer(factory, sizeHint);
            writers.set(writer);
        } else if (writer.busy) {
            return JsonObjects.write(factory, sizeHint, fields);
        }
        boolean kept = false;
        writer.busy = true;
        try {
            byte[] bytes = writer.write(fields);
            kept = writer.buffer.capacity() <= MAX_KEPT_BYTES;
            return bytes;
        } finally {
            writer.busy = false;
            if (!kept) {
                writers.remove();
            }
        }
    }

    /** One thread's generator and the buffer it writes to. Confined to its thread. */
    private static final class Writer {
        final Buffer buffer;
        final JsonGenerator json;
        boolean busy;

        Writer(JsonFactory factory, int sizeHint) {
            buffer = new Buffer(sizeHint);
            try {
                json = factory.createGenerator(buffer, JsonEncoding.UTF8);
            } catch (IOException e) {
                // Creating a generator over memory does no I/O, short of a bug.
                throw new UncheckedIOException(e);
            }
            // One object after another at the root: without this, Jackson puts a space between them.
            json.setRootValueSeparator(null);
        }

        byte[] write(JsonObjects.Fields fields) {
            buffer.reset();
            try {
                JsonObjects.writeObject(json, fields);
                json.flush();
            } catch (IOException e) {
                // Writing to memory cannot fail (Jackson escapes even unpaired surrogates), short of a bug.
                throw new UncheckedIOException(e);
            }
            return buffer.toByteArray();
        }
    }

    /** A growable byte buffer without {@link java.io.ByteArrayOutputStream}'s locks. Confined to its thread. */
    private static final class Buffer extends OutputStream {
        private byte[] bytes;
        private int count;

        Buffer(int size) {
            bytes = new byte[size];
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, source.length);
            ensure(length);
            System.arraycopy(source, offset, bytes, count, length);
            count += length;
        }

        int capacity() {
            return bytes.length;
        }

        void reset() {
            count = 0;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, count);
        }

        private void ensure(int more) {
            if (more > bytes.length - count) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, Math.addExact(count, more)));
            }
        }
    }
}
