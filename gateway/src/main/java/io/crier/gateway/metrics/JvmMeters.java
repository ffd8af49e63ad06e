package io.crier.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters of a node, from Micrometer's binders: heap and non-heap memory and the direct
 * and mapped buffer pools ({@code jvm.memory.*}, {@code jvm.buffer.*}), garbage collection pauses
 * ({@code jvm.gc.*}), threads, classes, CPU ({@code system.cpu.*}, {@code process.cpu.*}) and uptime. Their
 * tags (memory area and pool, GC action and cause, thread state) are bounded by the JVM.
 *
 * <p>Thread-safe; {@link #close()} stops listening for GC notifications.
 */
public final class JvmMeters implements AutoCloseable {

    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** Binds every JVM and process meter to {@code meters}. */
    public JvmMeters(MeterRegistry meters) {
        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    @Override
    public void close() {
        gc.close();
    }
}
