package io.crier.gateway.hub;

import static io.crier.gateway.hub.TopicCursor.Place.GAP;
import static io.crier.gateway.hub.TopicCursor.Place.HOLD;
import static io.crier.gateway.hub.TopicCursor.Place.NEXT;
import static io.crier.gateway.hub.TopicCursor.Place.STALE;
import static io.crier.gateway.hub.TopicCursor.State.LIVE;
import static io.crier.gateway.hub.TopicCursor.State.REPAIRING;
import static io.crier.gateway.hub.TopicCursor.State.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each transition of a topic's cursor, from each state it is legal from, and each illegal one. */
class TopicCursorTest {

    private static final long OUTAGES = 3;

    private final TopicCursor cursor = new TopicCursor();

    @Test
    void startsUnknownAndTakesAnyPublicationAsTheNext() {
        assertEquals(UNKNOWN, cursor.state());
        assertEquals(NEXT, cursor.place(at(41, "e1"), OUTAGES));
        assertEquals(NEXT, cursor.place(at(1, "e2"), OUTAGES + 1));
        assertNull(cursor.epoch());
    }

    @Test
    void deliverMovesAnUnknownCursorToThePublicationAndMakesItLive() {
        cursor.deliver(at(41, "e1"), OUTAGES);

        assertEquals(LIVE, cursor.state());
        assertEquals(41, cursor.offset());
        assertEquals("e1", cursor.epoch());
    }

    @Test
    void aLiveCursorPlacesTheNextOffsetAsNextOlderOnesAsStaleAndLaterOnesAsAGap() {
        live(5, "e1");

        assertEquals(NEXT, cursor.place(at(6, "e1"), OUTAGES));
        assertEquals(STALE, cursor.place(at(5, "e1"), OUTAGES));
        assertEquals(STALE, cursor.place(at(2, "e1"), OUTAGES));
        assertEquals(GAP, cursor.place(at(7, "e1"), OUTAGES));
    }

    @Test
    void aNewEpochAtOffsetOneIsNextOnlyWhileTheLinkStayedUp() {
        live(5, "e1");

        assertEquals(NEXT, cursor.place(at(1, "e2"), OUTAGES), "the history expired on a quiet topic");
        assertEquals(GAP, cursor.place(at(1, "e2"), OUTAGES + 1), "an outage came between");
        assertEquals(GAP, cursor.place(at(2, "e2"), OUTAGES), "a new epoch further on");
    }

    @Test
    void deliverMovesALiveCursorOn() {
        live(5, "e1");

        cursor.deliver(at(6, "e1"), OUTAGES + 1);

        assertEquals(6, cursor.offset());
        assertEquals(GAP, cursor.place(at(1, "e2"), OUTAGES), "the cursor took the outage count it moved with");
    }

    @Test
    void startAtStartsAnUnknownCursorWhereASessionsReadSawTheTopic() {
        cursor.startAt(9, "e1", OUTAGES);

        assertEquals(LIVE, cursor.state());
        assertTrue(cursor.hasReached("e1", 9));
        assertTrue(cursor.hasReached("e1", 8));
        assertFalse(cursor.hasReached("e1", 10));
        assertFalse(cursor.hasReached("e2", 1));
    }

    @Test
    void startRepairHoldsLivePublicationsAndReadsAfterTheCursor() {
        live(5, "e1");

        TopicCursor.RepairRead read = cursor.startRepair();
        cursor.hold(at(8, "e1"));

        assertEquals(REPAIRING, cursor.state());
        assertEquals(5, read.after());
        assertFalse(cursor.stalled(), "the read is in flight");
        assertEquals(HOLD, cursor.place(at(6, "e1"), OUTAGES));
        assertEquals(1, cursor.heldCount());
    }

    @Test
    void theAwaitedAnswerIsTakenOnce() {
        live(5, "e1");
        TopicCursor.RepairRead read = cursor.startRepair();

        assertTrue(cursor.readAnswered(read));

        assertTrue(cursor.stalled());
        assertFalse(cursor.readAnswered(read), "a second answer to the same read");
    }

    @Test
    void fillMovesTheCursorThroughWhatTheReadBroughtAndStaysRepairing() {
        live(5, "e1");
        cursor.readAnswered(cursor.startRepair());

        cursor.fill(at(6, "e1"), OUTAGES);
        cursor.fill(at(1, "e2"), OUTAGES);

        assertEquals(REPAIRING, cursor.state());
        assertEquals(1, cursor.offset());
        assertEquals("e2", cursor.epoch(), "a read may carry the cursor into a forked epoch");
    }

    @Test
    void finishRepairHandsBackTheHeldPublicationsInOrderAndGoesLive() {
        live(5, "e1");
        TopicCursor.RepairRead read = cursor.startRepair();
        cursor.hold(at(8, "e1"));
        cursor.hold(at(9, "e1"));
        cursor.readAnswered(read);
        cursor.fill(at(6, "e1"), OUTAGES);
        cursor.fill(at(7, "e1"), OUTAGES);

        TopicCursor.Repaired repaired = cursor.finishRepair();

        assertEquals(LIVE, cursor.state());
        assertEquals(List.of(at(8, "e1"), at(9, "e1")), repaired.held());
        assertFalse(repaired.readAgain());
        assertEquals(0, cursor.heldCount());
        assertEquals(NEXT, cursor.place(at(8, "e1"), OUTAGES));
    }

    @Test
    void theLinkComingBackStartsARepairOfALiveCursor() {
        live(5, "e1");

        TopicCursor.RepairRead read = cursor.linkRestored();

        assertEquals(REPAIRING, cursor.state());
        assertEquals(5, read.after());
    }

    @Test
    void theLinkComingBackDuringAReadAsksForOneMoreReadAfterIt() {
        live(5, "e1");
        TopicCursor.RepairRead first = cursor.startRepair();

        assertNull(cursor.linkRestored(), "the read in flight stays the awaited one");

        assertTrue(cursor.readAnswered(first));
        assertTrue(cursor.finishRepair().readAgain());
    }

    @Test
    void theLinkComingBackRestartsAStalledRepairWithANewRead() {
        live(5, "e1");
        TopicCursor.RepairRead failed = cursor.startRepair();
        cursor.readAnswered(failed);

        TopicCursor.RepairRead read = cursor.linkRestored();

        assertNotEquals(failed.id(), read.id());
        assertFalse(cursor.stalled(), "the new read is in flight");
        assertTrue(cursor.readAnswered(read));
    }

    @Test
    void readFailedCountsFailuresInARowUntilTheLinkComesBack() {
        live(5, "e1");
        cursor.readAnswered(cursor.startRepair());

        assertEquals(1, cursor.readFailed());
        cursor.readAnswered(cursor.retryRead());
        assertEquals(2, cursor.readFailed());
        cursor.readAnswered(cursor.linkRestored());

        assertEquals(1, cursor.readFailed(), "the link's return starts the count again");
    }

    @Test
    void retryReadStartsANewReadAfterTheCursor() {
        live(5, "e1");
        TopicCursor.RepairRead failed = cursor.startRepair();
        cursor.readAnswered(failed);
        cursor.readFailed();

        TopicCursor.RepairRead retry = cursor.retryRead();

        assertNotEquals(failed.id(), retry.id());
        assertEquals(5, retry.after());
        assertFalse(cursor.readAnswered(failed), "the old read's answer came already");
        assertTrue(cursor.readAnswered(retry));
    }

    @Test
    void abandonRepairForgetsThePositionHandsBackTheHeldPublicationsAndIgnoresTheReadInFlight() {
        live(5, "e1");
        TopicCursor.RepairRead read = cursor.startRepair();
        cursor.hold(at(9, "e1"));

        List<Positioned> held = cursor.abandonRepair();

        assertEquals(List.of(at(9, "e1")), held);
        assertEquals(UNKNOWN, cursor.state());
        assertNull(cursor.epoch());
        assertEquals(0, cursor.heldCount());
        assertFalse(cursor.readAnswered(read));
        assertEquals(NEXT, cursor.place(at(9, "e1"), OUTAGES), "the held ones start the cursor again");
    }

    @Test
    void forgetDropsARepairAndItsReadAndNoLaterReadReusesItsId() {
        live(5, "e1");
        TopicCursor.RepairRead old = cursor.startRepair();
        cursor.hold(at(9, "e1"));

        cursor.forget();

        assertEquals(UNKNOWN, cursor.state());
        assertEquals(0, cursor.heldCount());
        assertFalse(cursor.readAnswered(old));
        live(1, "e1");
        TopicCursor.RepairRead next = cursor.startRepair();
        assertNotEquals(old.id(), next.id());
        assertFalse(cursor.readAnswered(old));
        assertTrue(cursor.readAnswered(next));
    }

    @Test
    void forgetMakesALiveCursorUnknown() {
        live(5, "e1");

        cursor.forget();

        assertEquals(UNKNOWN, cursor.state());
        assertEquals(0, cursor.offset());
    }

    @Test
    void anUnknownCursorRefusesEveryTransitionButDeliverAndStartAt() {
        assertIllegal(() -> cursor.hasReached("e1", 1));
        assertIllegal(cursor::startRepair);
        assertIllegal(() -> cursor.hold(at(1, "e1")));
        assertIllegal(cursor::linkRestored);
        assertIllegal(() -> cursor.fill(at(1, "e1"), OUTAGES));
        assertIllegal(cursor::readFailed);
        assertIllegal(cursor::retryRead);
        assertIllegal(cursor::finishRepair);
        assertIllegal(cursor::abandonRepair);
        assertIllegal(cursor::forget);
        assertEquals(UNKNOWN, cursor.state(), "nothing changed");
    }

    @Test
    void aLiveCursorRefusesTheRepairsOwnTransitionsAndAStart() {
        live(5, "e1");

        assertIllegal(() -> cursor.startAt(1, "e1", OUTAGES));
        assertIllegal(() -> cursor.hold(at(7, "e1")));
        assertIllegal(() -> cursor.fill(at(6, "e1"), OUTAGES));
        assertIllegal(cursor::readFailed);
        assertIllegal(cursor::retryRead);
        assertIllegal(cursor::finishRepair);
        assertIllegal(cursor::abandonRepair);
        assertEquals(LIVE, cursor.state(), "nothing changed");
        assertEquals(5, cursor.offset());
    }

    @Test
    void aRepairingCursorRefusesDeliveriesStartsAndASecondRepair() {
        live(5, "e1");
        cursor.startRepair();

        assertIllegal(() -> cursor.deliver(at(6, "e1"), OUTAGES));
        assertIllegal(() -> cursor.startAt(1, "e1", OUTAGES));
        assertIllegal(cursor::startRepair);
        assertEquals(REPAIRING, cursor.state(), "nothing changed");
    }

    @Test
    void aRepairWithAReadInFlightRefusesWhatOnlyItsAnswerMayDo() {
        live(5, "e1");
        TopicCursor.RepairRead read = cursor.startRepair();

        assertIllegal(() -> cursor.fill(at(6, "e1"), OUTAGES));
        assertIllegal(cursor::readFailed);
        assertIllegal(cursor::retryRead);
        assertIllegal(cursor::finishRepair);
        assertTrue(cursor.readAnswered(read), "the read is still the awaited one");
    }

    private void live(long offset, String epoch) {
        cursor.deliver(at(offset, epoch), OUTAGES);
    }

    private static Positioned at(long offset, String epoch) {
        return new Positioned(offset, epoch, null);
    }

    private static void assertIllegal(Executable transition) {
        assertThrows(IllegalStateException.class, transition);
    }
}
