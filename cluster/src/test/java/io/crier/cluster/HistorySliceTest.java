package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistorySliceTest {

    @Test
    void aReaderInTheCurrentEpochReadsOnWhateverItsOffset() {
        HistorySlice slice = new HistorySlice(new StreamPosition(7, "B"), List.of(), true);

        assertTrue(slice.continues("B", 3));
        assertTrue(slice.continues("B", 9));
        assertFalse(slice.continues("A", 3));
    }

    @Test
    void aReaderOfTheContinuedEpochReadsOnOnlyUpToWhereItWasContinued() {
        HistorySlice slice = new HistorySlice(new StreamPosition(7, "B"), List.of(), true, new StreamPosition(5, "A"));

        assertTrue(slice.continues("A", 0));
        assertTrue(slice.continues("A", 5));
        assertFalse(slice.continues("A", 6), "it saw a publication the fork lost");
        assertFalse(slice.continues("Z", 5));
        assertTrue(slice.continues("B", 6));
    }
}
