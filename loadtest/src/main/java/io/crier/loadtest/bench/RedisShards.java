package io.crier.loadtest.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the bench's Redis commands go: the one server of a standalone Redis, or the primaries of a Redis Cluster
 * and which of them owns each channel's hash slot (read once from {@code CLUSTER SLOTS}; the bench does not follow
 * slot moves). Immutable; thread-safe.
 */
final class RedisShards {

    /** Hash slots of a Redis Cluster. */
    static final int SLOTS = 16384;

    private final boolean cluster;
    private final List<InetSocketAddress> primaries;
    private final int[] ownerOfSlot;

    private RedisShards(boolean cluster, List<InetSocketAddress> primaries, int[] ownerOfSlot) {
        this.cluster = cluster;
        this.primaries = List.copyOf(primaries);
        this.ownerOfSlot = ownerOfSlot;
    }

    /** A standalone Redis at {@code address}: it owns every channel. */
    static RedisShards standalone(InetSocketAddress address) {
        return new RedisShards(false, List.of(address), new int[SLOTS]);
    }

    /** The primaries of the cluster that {@code seeds} belong to, from the first seed that answers CLUSTER SLOTS. */
    static RedisShards cluster(List<InetSocketAddress> seeds) throws IOException {
        IOException failure = new IOException("no seed answered CLUSTER SLOTS: " + seeds);
        for (InetSocketAddress seed : seeds) {
            try {
                return fromSlots(seed, Resp.call(seed, "CLUSTER", "SLOTS"));
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    private static RedisShards fromSlots(InetSocketAddress seed, Object reply) {
        if (!(reply instanceof List<?> ranges)) {
            throw new IllegalStateException("CLUSTER SLOTS on " + seed + " replied " + reply);
        }
        List<InetSocketAddress> primaries = new ArrayList<>();
        int[] owner = new int[SLOTS];
        Arrays.fill(owner, -1);
        for (Object item : ranges) {
            List<?> range = (List<?>) item;
            List<?> primary = (List<?>) range.get(2);
            String host = Resp.text(primary.get(0));
            InetSocketAddress address = new InetSocketAddress(host.isEmpty() ? seed.getHostString() : host,
                    ((Long) primary.get(1)).intValue());
            if (!primaries.contains(address)) {
                primaries.add(address);
            }
            Arrays.fill(owner, ((Long) range.get(0)).intValue(), ((Long) range.get(1)).intValue() + 1,
                    primaries.indexOf(address));
        }
        if (Arrays.stream(owner).anyMatch(index -> index < 0)) {
            throw new IllegalStateException("the cluster of " + seed + " does not serve every slot");
        }
        return new RedisShards(true, primaries, owner);
    }

    boolean isCluster() {
        return cluster;
    }

    /** The primaries (one for a standalone Redis), in a fixed order. */
    List<InetSocketAddress> primaries() {
        return primaries;
    }

    /** The index in {@link #primaries()} of the one that owns {@code channel}'s slot (0 for a standalone Redis). */
    int ownerOf(String channel) {
        return ownerOfSlot[slot(channel)];
    }

    /** The index in {@link #primaries()} of the one that owns {@code slot}. */
    int ownerOfSlot(int slot) {
        return ownerOfSlot[slot];
    }

    /**
     * The hash slot of {@code key}, as {@code CLUSTER KEYSLOT} computes it: CRC16 (XMODEM) modulo 16384 of the key,
     * or of the hash tag (the text between the first '{' and the next '}') when that is not empty.
     */
    static int slot(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        return crc16(bytes, from, to) & (SLOTS - 1);
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xffff;
    }
}
