package io.crier.loadtest.gatling;

import java.nio.charset.StandardCharsets;

/**
 * The {@code data} of one load-test publication, {@code {"src":1,"seq":7,"sentAt":1764115200000,"pad":"xx..."}}:
 * which publisher sent it (0 for the backend, a member's index in a chat room), its number from 1 for that
 * publisher, when it was sent (epoch milliseconds, the clock Gatling stamps received frames with) and padding up
 * to the payload size asked for. Immutable and thread-safe.
 *
 * @param source       the publisher's index
 * @param seq          the publication's number for that publisher, from 1
 * @param sentAtMillis when it was handed to the network, epoch milliseconds
 */
record Probe(int source, long seq, long sentAtMillis) {

    private static final String DATA = "\"data\":{\"src\":";
    private static final String MESSAGE = "\"type\":\"message\"";

    /** This probe as JSON of at least {@code size} bytes (exactly {@code size} when that is above the bare probe). */
    byte[] toData(int size) {
        String head = "{\"src\":" + source + ",\"seq\":" + seq + ",\"sentAt\":" + sentAtMillis + ",\"pad\":\"";
        int pad = Math.max(0, size - head.length() - 2);
        return (head + "x".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The probe a {@code message} push carries, or {@code null} when the frame is another push or reply, or a
     * message whose data is not a probe.
     */
    static Probe fromMessage(String frame) {
        if (!frame.contains(MESSAGE)) {
            return null;
        }
        int at = frame.indexOf(DATA);
        if (at < 0) {
            return null;
        }
        at += DATA.length();
        int srcEnd = digitsEnd(frame, at);
        int seqAt = expect(frame, srcEnd, ",\"seq\":");
        int seqEnd = digitsEnd(frame, seqAt);
        int sentAt = expect(frame, seqEnd, ",\"sentAt\":");
        int sentEnd = digitsEnd(frame, sentAt);
        if (srcEnd == at || seqAt < 0 || seqEnd == seqAt || sentAt < 0 || sentEnd == sentAt) {
            return null;
        }
        return new Probe(Integer.parseInt(frame, at, srcEnd, 10), Long.parseLong(frame, seqAt, seqEnd, 10),
                Long.parseLong(frame, sentAt, sentEnd, 10));
    }

    private static int digitsEnd(String text, int from) {
        if (from < 0) {
            return from;
        }
        int end = from;
        while (end < text.length() && end - from < 19 && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
            end++;
        }
        return end;
    }

    /** The index after {@code literal} when it starts at {@code at}, else -1. */
    private static int expect(String text, int at, String literal) {
        return at >= 0 && text.startsWith(literal, at) ? at + literal.length() : -1;
    }
}
