package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BenchPayloadTest {

    private static final Pattern DOCUMENT = Pattern.compile(
            "\\{\"k\":\"crier-bench\",\"o\":\"[0-9a-f]{8}\",\"s\":\"[0-9a-f]{16}\",\"t\":\"[0-9a-f]{16}\","
                    + "\"p\":\"([A-Z]{4}:[0-9]{4}\\.[0-9]{2};)+ *\"}");

    @Test
    void aDocumentKeepsTheSizeTheStampedFieldsAndValidJson() {
        byte[] payload = BenchPayload.template(2048);
        int entries = BenchPayload.fillDocument(payload, new Random(1));
        BenchPayload.stamp(payload, 3, 42, 77);
        assertEquals(2048, payload.length);
        assertEquals((2048 - BenchPayload.MIN_BYTES) / 13, entries);
        String text = new String(payload, StandardCharsets.US_ASCII);
        assertTrue(DOCUMENT.matcher(text).matches(), text);
        ByteBuf frame = Unpooled.wrappedBuffer(payload);
        assertEquals(0, BenchPayload.locate(frame, 0, payload.length, payload.length));
        assertEquals(3, BenchPayload.topic(frame, 0));
        assertEquals(42, BenchPayload.seq(frame, 0));
        assertEquals(77, BenchPayload.sentNanos(frame, 0));
    }

    @Test
    void aChangeRewritesAboutItsShareOfTheEntriesAndNothingElse() {
        byte[] payload = BenchPayload.template(2048);
        Random random = new Random(2);
        int entries = BenchPayload.fillDocument(payload, random);
        byte[] before = payload.clone();
        BenchPayload.change(payload, entries, 5, random);
        int changedEntries = 0;
        for (int i = 0; i < entries; i++) {
            int at = BenchPayload.MIN_BYTES - 2 + i * 13; // the pad starts two bytes before the tail's place
            boolean changed = false;
            for (int b = at; b < at + 13; b++) {
                if (payload[b] != before[b]) {
                    changed = true;
                    assertTrue(b >= at + 5 && b < at + 12, "only a value's digits change");
                }
            }
            changedEntries += changed ? 1 : 0;
        }
        assertTrue(changedEntries >= 1 && changedEntries <= entries * 5 / 100, changedEntries + " of " + entries);
        assertTrue(DOCUMENT.matcher(new String(payload, StandardCharsets.US_ASCII)).matches());
    }
}
