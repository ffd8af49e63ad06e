package io.crier.loadtest.bench;

import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.badinput.ClientFrame;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slow-reader case of the abuse mode: each reader (a raw socket with a {@value #RECEIVE_BUFFER}-byte receive
 * buffer) subscribes to a topic of its own and then reads nothing, while Redis publications of {@code --payload}
 * bytes are sent round robin over those topics at {@code --rate}, until the node has closed every reader as a
 * slow consumer (its {@code crier_disconnects_total{reason="slow_consumer"}}) or {@code --duration} has passed.
 * Each reader on its own topic is the worst case for the node's memory: no two outbound queues share a
 * publication's bytes. While it publishes it samples the node's RSS, the resident part of its heap, Netty's
 * direct memory and the bytes queued for all connections, and keeps the peaks: that is where the memory of a
 * close in progress shows.
 *
 * <p>Not thread-safe: run by the controller thread.
 */
final class SlowReaders {

    /** Small, so that the kernel holds little for a stalled reader and the node's own queue fills soon. */
    static final int RECEIVE_BUFFER = 4096;
    private static final Duration SLICE = Duration.ofMillis(250);

    /**
     * The highest readings while the readers were being filled and closed: the node's RSS and heap resident in KiB,
     * Netty's direct memory and the bytes queued for all connections, and the kernel's TCP buffer memory (all
     * sockets of the machine, {@code /proc/net/sockstat}: it is not part of any process's RSS), in bytes.
     */
    record Peaks(long rssKiB, long heapResidentKiB, long nettyDirect, long queuedBytes, long kernelTcpBytes) {
        static final Peaks NONE = new Peaks(0, 0, 0, 0, 0);

        Peaks max(long rss, long heapResident, NodeScrape scrape, long kernelTcp) {
            return new Peaks(Math.max(rssKiB, rss), Math.max(heapResidentKiB, heapResident),
                    Math.max(nettyDirect, scrape.get(NodeScrape.NETTY_DIRECT)),
                    Math.max(queuedBytes, scrape.get(NodeScrape.OUTBOUND_QUEUED)), Math.max(kernelTcpBytes, kernelTcp));
        }
    }

    private final URI url;
    private final URI metrics;
    private final long pid;
    private final String[] topics;
    private final String[] tokens;
    private final RedisPublisher publisher;
    private final CommandFrames frames = new CommandFrames();
    private final NodeProbe.HeapRange heap;
    private Peaks peaks = Peaks.NONE;
    private long published;

    /** Readers for {@code topics} (one each); {@code publisher} publishes on the same topics. */
    SlowReaders(URI url, long pid, String secret, String run, String[] topics, RedisPublisher publisher) {
        this.url = url;
        this.metrics = NodeScrape.metricsUrl(url);
        this.pid = pid;
        this.topics = topics.clone();
        this.publisher = publisher;
        this.heap = NodeProbe.heapRange(pid);
        this.tokens = new String[topics.length];
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < topics.length; i++) {
            tokens[i] = TestTokens.hs256(key, "slow-" + run + "-" + i, List.of(topics[i]), null, Duration.ofHours(1));
        }
    }

    /** The peaks of the last {@link #run}. */
    Peaks peaks() {
        return peaks;
    }

    /** Publications sent by the last {@link #run}. */
    long published() {
        return published;
    }

    /** Subscribes every reader, publishes until each is closed (or the time is up), then reads each to its end. */
    CaseResult run(double rate, Duration limit) throws IOException {
        long start = System.nanoTime();
        long before = NodeScrape.read(metrics).disconnects("slow_consumer");
        peaks = Peaks.NONE;
        List<RawClient> readers = new ArrayList<>(topics.length);
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (int i = 0; i < topics.length; i++) {
                RawClient reader = subscribed(i);
                if (reader == null) {
                    seen.merge("subscribe failed", 1, Integer::sum);
                } else {
                    readers.add(reader);
                }
            }
            long closed = publishUntilClosed(rate, limit, before, readers.size());
            long deadline = System.nanoTime() + AbuseClients.CLIENT_TIMEOUT.toNanos();
            for (RawClient reader : readers) {
                seen.merge(CaseResult.end(reader.readToEnd(deadline)), 1, Integer::sum);
            }
            return new CaseResult("slow readers", topics.length, null, seen, closed,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            readers.forEach(RawClient::close);
        }
    }

    private long publishUntilClosed(double rate, Duration limit, long before, int readers) throws IOException {
        long sentBefore = publisher.sent();
        long deadline = System.nanoTime() + limit.toNanos();
        long closed = 0;
        while (closed < readers && System.nanoTime() < deadline) {
            publisher.publish(rate, SLICE);
            NodeScrape scrape = NodeScrape.read(metrics);
            peaks = peaks.max(NodeProbe.rssKiB(pid), NodeProbe.residentKiB(pid, heap), scrape,
                    NodeProbe.kernelTcpBytes());
            closed = scrape.disconnects("slow_consumer") - before;
        }
        published = publisher.sent() - sentBefore;
        return closed;
    }

    /** Reader {@code i}, upgraded with its token and subscribed to its topic; null when that failed. */
    private RawClient subscribed(int i) throws IOException {
        RawClient reader = RawClient.connect(url, RECEIVE_BUFFER, AbuseClients.CLIENT_TIMEOUT);
        try {
            reader.write(RawClient.upgradeRequest(url, "Authorization: Bearer " + tokens[i] + "\r\n"));
            if (RawClient.status(reader.readHead()) == 101 && reader.awaitText("\"type\":\"welcome\"")) {
                byte[] subscribe = frames.subscribe(ClientPlan.SUBSCRIBE_ID, topics[i]);
                reader.write(ClientFrame.of(ClientFrame.TEXT, subscribe).encode());
                if (reader.awaitText("\"type\":\"ok\",\"id\":" + ClientPlan.SUBSCRIBE_ID)) {
                    return reader;
                }
            }
        } catch (IOException e) {
            reader.close();
            throw e;
        }
        reader.close();
        return null;
    }
}
