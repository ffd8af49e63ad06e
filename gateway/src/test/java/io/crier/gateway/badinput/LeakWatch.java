package io.crier.gateway.badinput;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.LoggerFactory;

/**
 * Listens to what Netty's leak detector reports while a suite runs, by attaching an appender to its
 * logger (the same lines the test script greps for {@code LEAK:}). {@link #assertNoLeaks} collects
 * garbage and allocates tracked buffers, which is when the detector reports buffers that were collected
 * without being released. Reports from any test of the JVM are seen, not only the suite's. Thread-safe.
 */
public final class LeakWatch implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** Starts listening. */
    public LeakWatch() {
        appender.setName("badinput-leak-watch");
        appender.start();
        logger.addAppender(appender);
    }

    /**
     * Runs the garbage collector and lets the detector report, again and again for {@code period}; fails the
     * test with the reports if there is any.
     */
    public void assertNoLeaks(Duration period) {
        try {
            // Each poll runs a full GC, which may take longer than the poll interval: atMost leaves it room.
            await().during(period).atMost(period.plusSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        provokeReports();
                        return reports().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            fail("Netty's leak detector reported: " + reports());
        }
    }

    /** Every leak report seen since this watch started. */
    public List<String> reports() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(message -> message.contains("LEAK:")).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }

    private static void provokeReports() {
        System.gc();
        // At the paranoid level every allocation is tracked, and tracking drains the detector's queue.
        for (int i = 0; i < 4; i++) {
            ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(16);
            ByteBuf heap = ByteBufAllocator.DEFAULT.heapBuffer(16);
            direct.release();
            heap.release();
        }
    }
}
