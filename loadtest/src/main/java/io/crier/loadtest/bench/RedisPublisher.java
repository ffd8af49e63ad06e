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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes benchmark payloads as a backend does, {@code PUBLISH <prefix><topic> {"data":...}} (the broker payload
 * built by the protocol's {@link PublicationCodec}), pipelined at a fixed rate, round robin over the topics, each
 * with the topic's next sequence number and the {@code System.nanoTime()} it was sent at. On a Redis Cluster each
 * publication goes to the primary that owns its channel's slot, one plain RESP socket per primary, as
 * {@code SPUBLISH} (what a node in {@code redis.mode=cluster} hears) or {@code PUBLISH} (which a cluster repeats on
 * every node). A reader thread per socket counts the replies, and those that reached no subscriber (count 0).
 *
 * <p>Not thread-safe: one controller thread calls {@link #publish}; the reply readers are internal.
 */
final class RedisPublisher implements AutoCloseable {

    private static final long TICK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(10);
    private static final int BATCH_BYTES = 1 << 20;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<OutputStream> outs = new ArrayList<>();
    private final List<ByteArrayOutputStream> batches = new ArrayList<>();
    private final byte[][] commandHeads;
    private final int[] shardOfTopic;
    private final long[] published;
    private final byte[] template;
    /** Per topic, its document (with {@code --document}), changed before each of its publications; else null. */
    private final byte[][] documents;
    private final int documentEntries;
    private final int documentPercent;
    private final Random random = new Random(17);
    private final PublicationCodec codec = new PublicationCodec();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong noReceiver = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<Thread> readers = new ArrayList<>();
    private long sent;

    /** A publisher of {@code PUBLISH} to one standalone Redis. */
    RedisPublisher(String host, int port, String prefix, String[] topics, int payloadBytes) throws IOException {
        this(RedisShards.standalone(new InetSocketAddress(host, port)), "PUBLISH", prefix, topics, payloadBytes, 0);
    }

    /**
     * A publisher of {@code command} ({@code PUBLISH} or {@code SPUBLISH}) to each topic's owner in {@code shards};
     * with {@code documentPercent} over 0, each topic's payload is a document of which that share changes before each
     * publication ({@link BenchPayload#fillDocument}), else the plain padded payload.
     */
    RedisPublisher(RedisShards shards, String command, String prefix, String[] topics, int payloadBytes,
                   int documentPercent) throws IOException {
        this.commandHeads = new byte[topics.length][];
        this.shardOfTopic = new int[topics.length];
        for (int i = 0; i < topics.length; i++) {
            String channel = prefix + topics[i];
            commandHeads[i] = RespPublish.head(command, channel.getBytes(StandardCharsets.UTF_8));
            shardOfTopic[i] = shards.ownerOf(channel);
        }
        this.published = new long[topics.length];
        this.template = BenchPayload.template(payloadBytes);
        this.documentPercent = documentPercent;
        if (documentPercent > 0) {
            this.documents = new byte[topics.length][];
            int entries = 0;
            for (int i = 0; i < topics.length; i++) {
                documents[i] = template.clone();
                entries = BenchPayload.fillDocument(documents[i], random);
            }
            this.documentEntries = entries;
        } else {
            this.documents = null;
            this.documentEntries = 0;
        }
        try {
            for (InetSocketAddress primary : shards.primaries()) {
                open(primary);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(address, 5000);
        socket.setTcpNoDelay(true);
        outs.add(socket.getOutputStream());
        batches.add(new ByteArrayOutputStream(1 << 16));
        InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        Thread reader = new Thread(() -> readReplies(socket, in), "bench-redis-replies-" + address.getPort());
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
    }

    /**
     * Publishes at {@code ratePerSecond} for {@code duration} (on this thread) and returns how many it sent; it
     * falls behind, and says so through the count, when Redis or this machine cannot keep the rate.
     */
    long publish(double ratePerSecond, Duration duration) throws IOException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long before = sent;
        long now = start;
        while (now < end) {
            long due = before + (long) ((now - start) / 1e9 * ratePerSecond);
            int batched = 0;
            while (sent < due && batched < BATCH_BYTES) {
                batched += appendOne();
            }
            for (int i = 0; i < batches.size(); i++) {
                ByteArrayOutputStream batch = batches.get(i);
                if (batch.size() > 0) {
                    batch.writeTo(outs.get(i));
                    outs.get(i).flush();
                    batch.reset();
                }
            }
            LockSupport.parkNanos(TICK_NANOS);
            now = System.nanoTime();
        }
        return sent - before;
    }

    /** Appends the next publication to its shard's batch and returns its size in bytes. */
    private int appendOne() throws IOException {
        int topic = (int) (sent % commandHeads.length);
        byte[] data;
        if (documents != null) {
            BenchPayload.change(documents[topic], documentEntries, documentPercent, random);
            data = documents[topic].clone();
        } else {
            data = template.clone();
        }
        BenchPayload.stamp(data, topic, published[topic], System.nanoTime());
        byte[] payload = codec.encode(RawJson.trusted(data));
        ByteArrayOutputStream batch = batches.get(shardOfTopic[topic]);
        int before = batch.size();
        RespPublish.write(batch, commandHeads[topic], payload);
        published[topic]++;
        sent++;
        return batch.size() - before;
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

    private void readReplies(Socket socket, InputStream in) {
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
            for (Socket socket : sockets) {
                socket.close();
            }
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
