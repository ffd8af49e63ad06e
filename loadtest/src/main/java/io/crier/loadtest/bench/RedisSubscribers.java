package io.crier.loadtest.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Stand-ins for gateway nodes in the bench's redis mode: each subscriber holds plain RESP connections subscribed to
 * every channel, as a node does. Unsharded, subscriber {@code k} sends {@code SUBSCRIBE} for every channel on
 * primary {@code k % primaries} (one Redis when standalone); sharded, it sends {@code SSUBSCRIBE} for each channel
 * on the primary that owns its slot, one connection per primary, as a node in {@code redis.mode=cluster}. A reader
 * thread per connection counts the confirmations and the messages, and discards the messages.
 *
 * <p>Thread-safe counters; the controller thread makes and closes it.
 */
final class RedisSubscribers implements AutoCloseable {

    /** SUBSCRIBE takes many channels at once; SSUBSCRIBE only channels of one slot, so one each. */
    private static final int CHANNELS_PER_SUBSCRIBE = 500;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicLong confirmations = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private long expectedConfirmations;

    RedisSubscribers(RedisShards shards, boolean sharded, String[] channels, int subscribers) throws IOException {
        List<InetSocketAddress> primaries = shards.primaries();
        try {
            for (int k = 0; k < subscribers; k++) {
                if (!sharded) {
                    open(primaries.get(k % primaries.size()), subscribeAll(channels), channels.length);
                    continue;
                }
                for (int p = 0; p < primaries.size(); p++) {
                    int owner = p;
                    String[] owned = Arrays.stream(channels).filter(c -> shards.ownerOf(c) == owner)
                            .toArray(String[]::new);
                    if (owned.length > 0) {
                        open(primaries.get(p), subscribeEach(owned), owned.length);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] subscribeAll(String[] channels) {
        ByteArrayOutputStream commands = new ByteArrayOutputStream();
        for (int from = 0; from < channels.length; from += CHANNELS_PER_SUBSCRIBE) {
            int to = Math.min(channels.length, from + CHANNELS_PER_SUBSCRIBE);
            String[] chunk = Arrays.copyOfRange(channels, from, to);
            String[] command = new String[chunk.length + 1];
            command[0] = "SUBSCRIBE";
            System.arraycopy(chunk, 0, command, 1, chunk.length);
            commands.writeBytes(Resp.command(command));
        }
        return commands.toByteArray();
    }

    private static byte[] subscribeEach(String[] channels) {
        ByteArrayOutputStream commands = new ByteArrayOutputStream();
        for (String channel : channels) {
            commands.writeBytes(Resp.command("SSUBSCRIBE", channel));
        }
        return commands.toByteArray();
    }

    private void open(InetSocketAddress address, byte[] subscribe, int channels) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(address, 5000);
        Resp.Reader in = new Resp.Reader(socket.getInputStream());
        Thread reader = new Thread(() -> read(socket, in), "bench-redis-subscriber-" + sockets.size());
        reader.setDaemon(true);
        reader.start();
        readers.add(reader);
        expectedConfirmations += channels;
        socket.getOutputStream().write(subscribe);
        socket.getOutputStream().flush();
    }

    private void read(Socket socket, Resp.Reader in) {
        try {
            while (true) {
                Object reply = in.read();
                String kind = reply instanceof List<?> push && !push.isEmpty() && push.get(0) instanceof byte[] word
                        ? new String(word, StandardCharsets.US_ASCII) : "";
                switch (kind) {
                    case "message", "smessage" -> messages.incrementAndGet();
                    case "subscribe", "ssubscribe" -> confirmations.incrementAndGet();
                    default -> errors.incrementAndGet();
                }
            }
        } catch (IOException e) {
            // Closed by close(), or Redis went away: either way nothing more will come on this connection.
            if (!socket.isClosed()) {
                errors.incrementAndGet();
            }
        }
    }

    /** Waits (bounded) until Redis has confirmed every subscription; returns whether it has. */
    boolean awaitSubscribed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (confirmations.get() < expectedConfirmations && errors.get() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return confirmations.get() == expectedConfirmations;
    }

    /** Waits (bounded) until {@code count} messages have arrived in all; returns whether they have. */
    boolean awaitMessages(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.get() < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return messages.get() >= count;
    }

    /** Connections held, over all subscribers. */
    int connections() {
        return sockets.size();
    }

    long messages() {
        return messages.get();
    }

    /** Error replies, unexpected replies and connections lost. */
    long errors() {
        return errors.get();
    }

    @Override
    public void close() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a socket we are done with: nothing is left to do about a failure.
                errors.incrementAndGet();
            }
        }
        for (Thread reader : readers) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
