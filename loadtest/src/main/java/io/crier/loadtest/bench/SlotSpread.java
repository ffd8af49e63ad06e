package io.crier.loadtest.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How evenly a Redis Cluster spreads topics over its primaries when each topic is one channel ({@code crier:<topic>},
 * hashed whole, as the gateway's {@code SSUBSCRIBE}): for each topic count, the topics each primary owns for names
 * like the bench's ({@code bench.<run>.<i>}, a fresh run id per sample) and the busiest primary's share against the
 * mean. {@code java ... SlotSpread --redis=host:port[,...] [--counts=10,100,1000,10000] [--samples=20]
 * [--primaries=N]}: with {@code --primaries} it spreads over N equal slot ranges (as {@code redis-cli --cluster
 * create} assigns them) without asking Redis. Stateless; runs on the calling thread.
 */
public final class SlotSpread {

    private SlotSpread() {
    }

    public static void main(String[] args) throws IOException {
        String redis = "127.0.0.1:6379";
        String counts = "10,100,1000,10000";
        int samples = 20;
        int primaries = 0;
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            switch (arg.substring(0, Math.max(0, arg.indexOf('=')))) {
                case "--redis" -> redis = value;
                case "--counts" -> counts = value;
                case "--samples" -> samples = Integer.parseInt(value);
                case "--primaries" -> primaries = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        int[] owner = primaries > 0 ? evenRanges(primaries) : ownersFromCluster(redis);
        int n = Arrays.stream(owner).max().orElse(0) + 1;
        Bench.say("slot spread over %d primaries (slots each: %s), %d samples of topic names bench.<run>.<i>", n,
                Arrays.toString(slotsPer(owner, n)), samples);
        for (String count : counts.split(",")) {
            report(owner, n, Integer.parseInt(count), samples);
        }
    }

    private static void report(int[] owner, int n, int topics, int samples) {
        double sum = 0;
        double worst = 0;
        int[] first = null;
        for (int s = 0; s < samples; s++) {
            String run = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
            int[] perPrimary = new int[n];
            for (int i = 0; i < topics; i++) {
                perPrimary[owner[RedisShards.slot("crier:bench." + run + "." + i)]]++;
            }
            double ratio = Arrays.stream(perPrimary).max().orElse(0) / ((double) topics / n);
            sum += ratio;
            worst = Math.max(worst, ratio);
            first = first == null ? perPrimary : first;
        }
        Bench.say("RESULT mode=spread primaries=%d topics=%d example=%s max_over_mean_avg=%.3f "
                        + "max_over_mean_worst=%.3f",
                n, topics, Arrays.toString(first).replace(" ", ""), sum / samples, worst);
    }

    private static int[] evenRanges(int primaries) {
        int[] owner = new int[RedisShards.SLOTS];
        for (int p = 0; p < primaries; p++) {
            Arrays.fill(owner, RedisShards.SLOTS * p / primaries, RedisShards.SLOTS * (p + 1) / primaries, p);
        }
        return owner;
    }

    private static int[] ownersFromCluster(String redis) throws IOException {
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (String hostPort : redis.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            seeds.add(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))));
        }
        RedisShards shards = RedisShards.cluster(seeds);
        int[] owner = new int[RedisShards.SLOTS];
        for (int slot = 0; slot < owner.length; slot++) {
            owner[slot] = shards.ownerOfSlot(slot);
        }
        return owner;
    }

    private static int[] slotsPer(int[] owner, int n) {
        int[] slots = new int[n];
        Arrays.stream(owner).forEach(p -> slots[p]++);
        return slots;
    }
}
