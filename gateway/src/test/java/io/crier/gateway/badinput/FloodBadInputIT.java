package io.crier.gateway.badinput;

import static io.crier.gateway.badinput.BadInputNode.BURST;
import static io.crier.gateway.badinput.BadInputNode.FLOOD_AFTER;
import static io.crier.gateway.badinput.BadInputNode.MAX_TOPICS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bad-input suite, flood phase: clients that send too much, too fast, or keep sending while they are being
 * closed get the documented reply or close code, and see it; the witness on the same node loses nothing.
 */
class FloodBadInputIT {

    @RegisterExtension
    static final BadInputNode NODE = BadInputNode.standard();

    @Test
    void thousandsOfSubscribesHitTheTopicLimitThenTheRateLimitThenCloseWith4502() throws Exception {
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        for (int id = 1; id <= 2000; id++) {
            flood.write(ClientFrame.text("{\"type\":\"subscribe\",\"id\":" + id
                    + ",\"topic\":\"badinput:flood-" + id + "\"}").encode());
        }
        try (RawWebSocket client = NODE.session("flood")) {
            long start = System.nanoTime();
            RawWebSocket.Closed closed = client.writeWhileAwaitingClose(flood.toByteArray());
            long refills = Duration.ofNanos(System.nanoTime() - start).toSeconds() + 1;
            assertEquals(4502, closed.code());
            assertEquals("command_flood", closed.reason());
            List<String> replies = closed.textsBefore();
            assertEquals("{\"type\":\"disconnect\",\"code\":4502,\"reason\":\"command_flood\",\"reconnect\":false}",
                    replies.get(replies.size() - 1));
            List<String> codes = replies.subList(0, replies.size() - 1).stream().map(Replies::codeOf).toList();
            assertEquals(Collections.nCopies(MAX_TOPICS, "ok"), codes.subList(0, MAX_TOPICS));
            List<String> afterTheTopicLimit = codes.subList(MAX_TOPICS, codes.size());
            assertTrue(afterTheTopicLimit.stream().allMatch(c -> c.equals("too_many_topics") || c.equals("rate_limited")),
                    codes.toString());
            // The last of floodDisconnectAfter rate-limited commands in a row is answered by the close itself.
            assertEquals(Collections.nCopies(FLOOD_AFTER - 1, "rate_limited"),
                    codes.subList(codes.size() - FLOOD_AFTER + 1, codes.size()));
            // The bucket starts full and auth took one token; it refills by one a second meanwhile.
            long admitted = codes.stream().filter(code -> !code.equals("rate_limited")).count();
            assertTrue(admitted >= BURST - 1 && admitted <= BURST - 1 + refills, admitted + " admitted: " + codes);
        }
    }

}
