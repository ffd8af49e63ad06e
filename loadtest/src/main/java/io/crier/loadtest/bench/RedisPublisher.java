package io.crier.loadtest.bench;

import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes benchmark payloads as a backend does, {@code PUBLISH <prefix><topic> {"data":...}} (the broker payload
 * built by the protocol's {@link PublicationCodec}), pipelined over one plain RESP socket at a fixed rate, round
 * robin over the topics, each with the topic's next sequence number and the {@code System.nanoTime()} it was sent
 * at. A reader thread counts the replies, and those that reached no subscriber (receiver count 0).
 *
 * <p>Not thread-safe: one controller thread calls {@link #publish}; the reply reader is internal.
 */
final class RedisPublisher implements AutoCloseable {

    private static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(10);

    private final Socket socket;
    private final OutputStream out;
    private final byte[][] commandHeads;
    private final long[] published;
    private final byte[] template;
    private final PublicationCodec codec = new PublicationCodec();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong noReceiver = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final Thread reader;
    private long sent;

    RedisPublisher(String host, int port, String prefix, String[] topics, int payloadBytes) throws IOException {
        this.socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.commandHeads = new byte[topics.length][];
        for (int i = 0; i < topics.length; i++) {
            byte[] channel = (prefix + topics[i]).getBytes(StandardCharsets.UTF_8);
            commandHeads[i] = RespPublish.head(channel);
        }
        this.published = new long[topics.length];
        this.template = BenchPayload.template(payloadBytes);
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.reader = new Thread(() -> readReplies(in), "bench-redis-replies");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Publishes at {@code ratePerSecond} for {@code duration} (on this thread) and returns how many it sent; it
     * falls behind, and says so through the count, when Redis or this machine cannot keep the rate.
     */
    long publish(double ratePerSecond, Duration duration) throws IOException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long before = sent;
        ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
        long now = start;
        while (now < end) {
            long due = before + (long) ((now - start) / 1e9 * ratePerSecond);
            while (sent < due && batch.size() < (1 << 20)) {
                appendOne(batch);
            }
            if (batch.size() > 0) {
                batch.writeTo(out);
                out.flush();
                batch.reset();
            }
            LockSupport.parkNanos(TICK_NANOS);
            now = System.nanoTime();
        }
        return sent - before;
    }

    private void appendOne(ByteArrayOutputStream batch) throws IOException {
        int topic = (int) (sent % commandHeads.length);
        byte[] data = template.clone();
        BenchPayload.stamp(data, topic, published[topic], System.nanoTime());
        byte[] payload = codec.encode(RawJson.trusted(data));
        RespPublish.write(batch, commandHeads[topic], payload);
        published[topic]++;
        sent++;
    }

    /** Waits (bounded) until Redis has answered every PUBLISH sent; returns whether it has. */
    boolean awaitReplies() {
        long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
        while (replies.get() < sent && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return replies.get() >= sent;
    }

    /** How many publications each topic got so far (a copy). */
    long[] publishedPerTopic() {
        return published.clone();
    }

    long sent() {
        return sent;
    }

    /** PUBLISH replies of 0: Redis had no subscriber for the channel (the server was not subscribed). */
    long noReceiver() {
        return noReceiver.get();
    }

    long errors() {
        return errors.get();
    }

    private void readReplies(InputStream in) {
        try {
            int c;
            while ((c = in.read()) >= 0) {
                long value = 0;
                int b;
                while ((b = in.read()) >= 0 && b != '\r') {
                    value = value * 10 + (b - '0');
                }
                in.read(); // the '\n' after '\r'
                if (c == ':' && value == 0) {
                    noReceiver.incrementAndGet();
                } else if (c != ':') {
                    errors.incrementAndGet();
                }
                replies.incrementAndGet();
            }
        } catch (IOException e) {
            // The socket was closed by close(), or Redis went away: either way no more replies will come.
            if (!socket.isClosed()) {
                errors.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(TimeUnit.SECONDS.toMillis(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
