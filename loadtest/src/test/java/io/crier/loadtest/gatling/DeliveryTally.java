package io.crier.loadtest.gatling;

import io.gatling.http.action.ws.WsInboundMessage;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * What one virtual user received of the publications it expects: {@code sources} publishers, each numbering its
 * publications 1 to {@code perSource}. It counts the distinct ones received, duplicates, those out of order for
 * their publisher, unexpected ones, and those later than the latency bound; every latency also goes to the run's
 * {@link LatencyBook}. A user that publishes itself also tracks the replies to its publishes ({@link #expectAcks}),
 * read from the same buffered frames: a Gatling check waiting for the {@code ok} would drop every other frame that
 * arrives meanwhile (Gatling 3.15 buffers unmatched frames only while no check is pending). Not thread-safe: it
 * lives in one Gatling session, whose actions run one at a time.
 */
final class DeliveryTally {

    private final int sources;
    private final int perSource;
    private final long boundMillis;
    private final BitSet seen;
    private final long[] lastSeq;
    private int received;
    private int duplicated;
    private int outOfOrder;
    private int unexpected;
    private int late;
    private int disconnects;
    private long firstAckId;
    private long[] sentAtMillis = new long[0];
    private LatencyBook ackBook;
    private int acked;
    private int ackErrors;
    private int lateAcks;

    /**
     * @param sources     how many publishers this user hears
     * @param perSource   how many publications each makes
     * @param boundMillis the latency above which a delivery counts as late
     */
    DeliveryTally(int sources, int perSource, long boundMillis) {
        this.sources = sources;
        this.perSource = perSource;
        this.boundMillis = boundMillis;
        this.seen = new BitSet(sources * perSource);
        this.lastSeq = new long[sources];
    }

    /**
     * Also expects replies to {@code count} publishes with ids {@code firstId}, {@code firstId + 1}, ...; their
     * publish-to-reply latencies go to {@code book}.
     */
    void expectAcks(int count, long firstId, LatencyBook book) {
        this.firstAckId = firstId;
        this.sentAtMillis = new long[count];
        this.ackBook = book;
    }

    /** Notes when the publish with {@code id} was sent. */
    void sent(long id, long atMillis) {
        sentAtMillis[(int) (id - firstAckId)] = atMillis;
    }

    /** Takes the frames Gatling buffered for this user: probes are counted and timed, the rest ignored. */
    void accept(List<WsInboundMessage> frames, LatencyBook book) {
        for (WsInboundMessage frame : frames) {
            if (frame instanceof WsInboundMessage.Text text) {
                accept(text.message(), text.timestamp(), book);
            }
        }
    }

    private void accept(String frame, long receivedAtMillis, LatencyBook book) {
        Probe probe = Probe.fromMessage(frame);
        if (probe == null) {
            if (frame.contains("\"type\":\"disconnect\"")) {
                disconnects++;
            } else if (sentAtMillis.length > 0) {
                acknowledge(frame, receivedAtMillis);
            }
            return;
        }
        if (probe.source() < 0 || probe.source() >= sources || probe.seq() < 1 || probe.seq() > perSource) {
            unexpected++;
            return;
        }
        int index = probe.source() * perSource + (int) probe.seq() - 1;
        if (seen.get(index)) {
            duplicated++;
            return;
        }
        seen.set(index);
        received++;
        if (probe.seq() < lastSeq[probe.source()]) {
            outOfOrder++;
        }
        lastSeq[probe.source()] = Math.max(lastSeq[probe.source()], probe.seq());
        long latency = Math.max(0, receivedAtMillis - probe.sentAtMillis());
        if (latency > boundMillis) {
            late++;
        }
        book.record(latency);
    }

    /** A reply to one of this user's publishes: {@code {"type":"ok","id":N}} or an error with that id. */
    private void acknowledge(String frame, long receivedAtMillis) {
        boolean ok = frame.startsWith("{\"type\":\"ok\",\"id\":");
        if (!ok && !frame.startsWith("{\"type\":\"error\",\"id\":")) {
            return;
        }
        int from = frame.indexOf("\"id\":") + 5;
        int end = from;
        while (end < frame.length() && end - from < 18 && frame.charAt(end) >= '0' && frame.charAt(end) <= '9') {
            end++;
        }
        long slot = end == from ? -1 : Long.parseLong(frame, from, end, 10) - firstAckId;
        if (slot < 0 || slot >= sentAtMillis.length || sentAtMillis[(int) slot] == 0) {
            return; // a reply to another command (a verdict ping)
        }
        if (!ok) {
            ackErrors++;
            return;
        }
        acked++;
        long latency = Math.max(0, receivedAtMillis - sentAtMillis[(int) slot]);
        if (latency > boundMillis) {
            lateAcks++;
        }
        ackBook.record(latency);
    }

    /** Whether every expected publication, and every reply to this user's publishes, has arrived. */
    boolean complete() {
        return received == expected() && acked + ackErrors == sentAtMillis.length;
    }

    /** {@code "none"}, or what went wrong with this user's publishes. */
    String ackProblems() {
        int unanswered = sentAtMillis.length - acked - ackErrors;
        return unanswered == 0 && ackErrors == 0 ? "none" : String.format(Locale.ROOT,
                "unanswered %d of %d, error replies %d", unanswered, sentAtMillis.length, ackErrors);
    }

    /** {@code "none"} when at most 1% of this user's publishes were answered later than the bound. */
    String lateAckProblems() {
        return lateAcks <= sentAtMillis.length / 100 ? "none" : lateAcks + " of " + sentAtMillis.length + " late";
    }

    int expected() {
        return sources * perSource;
    }

    int missing() {
        return expected() - received;
    }

    int duplicated() {
        return duplicated;
    }

    int outOfOrder() {
        return outOfOrder;
    }

    int late() {
        return late;
    }

    /** The most late deliveries that still keep this user's 99th percentile within the bound. */
    int allowedLate() {
        return expected() / 100;
    }

    /** {@code "none"}, or what went wrong, for a check's failure message. */
    String problems() {
        if (missing() == 0 && duplicated == 0 && outOfOrder == 0 && unexpected == 0 && disconnects == 0) {
            return "none";
        }
        return String.format(Locale.ROOT, "missing %d of %d, duplicated %d, out of order %d, unexpected %d,"
                + " disconnect pushes %d", missing(), expected(), duplicated, outOfOrder, unexpected, disconnects);
    }

    /** Adds this user's counts to the run's. */
    void addTo(LatencyBook book) {
        book.count(expected(), received, missing(), duplicated, outOfOrder, late);
        if (ackBook != null) {
            ackBook.count(sentAtMillis.length, acked, sentAtMillis.length - acked, 0, 0, lateAcks);
        }
    }
}
