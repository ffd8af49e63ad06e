package io.crier.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {

    @Test
    void countsEveryPublicationOnceInOrderAsClean() {
        DeliveryLedger ledger = new DeliveryLedger(3);
        for (long seq = 0; seq < 5; seq++) {
            ledger.record(3, seq);
        }
        DeliveryLedger.Totals totals = totalsOf(ledger, 5);
        assertAll(() -> assertEquals(5, totals.distinct), () -> assertTrue(totals.clean()));
    }

    @Test
    void tellsLateArrivalsFromDuplicatesAndCountsWhatNeverCameAsLost() {
        DeliveryLedger ledger = new DeliveryLedger(0);
        ledger.record(0, 0);
        ledger.record(0, 3); // 1 and 2 missing
        ledger.record(0, 1); // late: out of order
        ledger.record(0, 1); // again: duplicate
        ledger.record(0, 0); // again: duplicate
        ledger.record(7, 4); // another topic: foreign
        DeliveryLedger.Totals totals = totalsOf(ledger, 5); // 0..4 published; 2 and 4 never came
        assertAll(() -> assertEquals(3, totals.distinct), () -> assertEquals(1, totals.outOfOrder),
                () -> assertEquals(2, totals.duplicates), () -> assertEquals(2, totals.lost),
                () -> assertEquals(1, totals.foreign), () -> assertFalse(totals.clean()));
    }

    @Test
    void readsTopicSequenceAndSendTimeBackFromAMessagePush() {
        byte[] data = BenchPayload.template(100);
        BenchPayload.stamp(data, 42, 123_456_789L, -5L);
        byte[] push = ("{\"type\":\"message\",\"topic\":\"bench.x.42\",\"data\":"
                + new String(data, StandardCharsets.US_ASCII) + "}").getBytes(StandardCharsets.US_ASCII);
        ByteBuf frame = Unpooled.wrappedBuffer(push);
        try {
            int at = BenchPayload.locate(frame, 0, push.length, 100);
            assertAll(() -> assertEquals(100, data.length), () -> assertEquals(push.length - 101, at),
                    () -> assertEquals(42, BenchPayload.topic(frame, at)),
                    () -> assertEquals(123_456_789L, BenchPayload.seq(frame, at)),
                    () -> assertEquals(-5L, BenchPayload.sentNanos(frame, at)));
        } finally {
            frame.release();
        }
    }

    private static DeliveryLedger.Totals totalsOf(DeliveryLedger ledger, long published) {
        DeliveryLedger.Totals totals = new DeliveryLedger.Totals();
        ledger.addTo(totals, published);
        return totals;
    }
}
