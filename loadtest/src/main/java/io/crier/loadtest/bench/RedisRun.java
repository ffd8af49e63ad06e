package io.crier.loadtest.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The bench's redis mode: Redis' own cost of pub/sub, with no WebSocket server. {@link RedisSubscribers} stand in
 * for {@code --subscribers} gateway nodes, each subscribed to every topic; the {@link RedisPublisher} publishes at
 * {@code --rate} for {@code --duration} (after a warm-up), and the run reports, for every {@code --watch} process,
 * its CPU while idle (subscribed, nothing published) and per publication over the measured window, which ends when
 * every subscriber has every message (or after a bounded wait).
 *
 * <p>Not thread-safe: the controller thread runs it.
 */
final class RedisRun {

    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);

    private final BenchOptions options;
    private final String[] topics;

    RedisRun(BenchOptions options, String[] topics) {
        this.options = options;
        this.topics = topics.clone();
    }

    int run() throws IOException, InterruptedException {
        BenchOptions o = options;
        RedisShards shards = o.shards();
        String verb = o.publishVerb();
        boolean sharded = "SPUBLISH".equals(verb);
        String[] channels = Arrays.stream(topics).map(topic -> o.prefix() + topic).toArray(String[]::new);
        int[] perPrimary = new int[shards.primaries().size()];
        Arrays.stream(channels).forEach(channel -> perPrimary[shards.ownerOf(channel)]++);
        Bench.say("redis: %s, primaries %s, topics per primary %s, %d subscribers (%s), %s at %.0f/s for %s",
                shards.isCluster() ? "cluster" : "standalone", shards.primaries(), Arrays.toString(perPrimary),
                o.subscribers(), sharded ? "SSUBSCRIBE on each slot's primary" : "SUBSCRIBE", verb, o.rate(),
                o.duration());
        try (RedisSubscribers subscribers = new RedisSubscribers(shards, sharded, channels, o.subscribers());
             RedisPublisher publisher = new RedisPublisher(shards, verb, o.prefix(), topics, o.payloadBytes(), o.document())) {
            if (!subscribers.awaitSubscribed(SUBSCRIBE_TIMEOUT)) {
                Bench.say("RESULT label=%s mode=redis subscribed=false errors=%d", o.label(), subscribers.errors());
                return 1;
            }
            CpuWatch.Snapshot idleStart = o.watch().snapshot();
            Thread.sleep(IDLE.toMillis());
            CpuWatch.Usage idle = o.watch().since(idleStart, 0);
            Bench.say("idle, %d connections subscribed, nothing published: %s", subscribers.connections(),
                    idle.describe());
            if (!o.warmup().isZero()) {
                publisher.publish(o.rate(), o.warmup());
                publisher.awaitReplies();
                subscribers.awaitMessages(publisher.sent() * o.subscribers(), DELIVERY_WAIT);
            }
            long messagesBefore = subscribers.messages();
            long noReceiverBefore = publisher.noReceiver();
            CpuWatch.Snapshot before = o.watch().snapshot();
            long start = System.nanoTime();
            long sent = publisher.publish(o.rate(), o.duration());
            double publishedFor = (System.nanoTime() - start) / 1e9;
            publisher.awaitReplies();
            boolean all = subscribers.awaitMessages(messagesBefore + sent * o.subscribers(), DELIVERY_WAIT);
            CpuWatch.Usage usage = o.watch().since(before, sent);
            long delivered = subscribers.messages() - messagesBefore;
            Bench.say("measured: %d publications (%.0f/s), %d of %d messages delivered; %s", sent, sent / publishedFor,
                    delivered, sent * o.subscribers(), usage.describe());
            Bench.say("RESULT label=%s mode=redis redis_mode=%s primaries=%d topics=%d subscribers=%d command=%s "
                            + "payload=%d rate=%.0f sent=%d pub_per_s=%.0f delivered=%d expected=%d no_receiver=%d "
                            + "errors=%d %s %s", o.label(), shards.isCluster() ? "cluster" : "standalone",
                    shards.primaries().size(), topics.length, o.subscribers(), verb, o.payloadBytes(), o.rate(), sent,
                    sent / publishedFor, delivered, sent * o.subscribers(), publisher.noReceiver() - noReceiverBefore,
                    publisher.errors() + subscribers.errors(), idle.percentFields("idle_cpu_pct"),
                    usage.resultFields());
            return all && publisher.errors() + subscribers.errors() == 0 ? 0 : 1;
        }
    }
}
