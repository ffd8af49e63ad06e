package io.crier.gateway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.crier.protocol.FleetApiResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gathering the nodes' counts: done when all answered, or at the timeout with those that did; bounded. */
class PendingAnswersTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void completesOnceEveryNodeAnsweredCountingEachNodeOnce() throws Exception {
        PendingAnswers answers = new PendingAnswers(scheduler, Duration.ofSeconds(30));
        CompletableFuture<FleetApiResult.Reached> done = answers.open("r1", 2);

        answers.answer("r1", "n1", 3);
        answers.answer("r1", "n1", 3);
        assertFalse(done.isDone());
        answers.answer("other", "n2", 100);
        answers.answer("r1", "n2", 4);

        assertEquals(new FleetApiResult.Reached(7, 2), done.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aSilentNodeIsLeftOutWhenTheTimeoutPasses() throws Exception {
        PendingAnswers answers = new PendingAnswers(scheduler, Duration.ofMillis(200));
        CompletableFuture<FleetApiResult.Reached> done = answers.open("r1", 3);
        answers.answer("r1", "n1", 2);

        assertEquals(new FleetApiResult.Reached(2, 1), done.get(5, TimeUnit.SECONDS));
        answers.answer("r1", "n2", 5);
        assertEquals(new FleetApiResult.Reached(2, 1), done.get());
    }

    @Test
    void refusesToWaitForMoreThanItsBound() {
        PendingAnswers answers = new PendingAnswers(scheduler, Duration.ofSeconds(30));
        for (int i = 0; i < PendingAnswers.MAX_PENDING; i++) {
            answers.open("r" + i, 2);
        }

        assertNull(answers.open("one-more", 2));
        answers.cancel("r0");
        assertNotNull(answers.open("one-more", 2));
    }
}
