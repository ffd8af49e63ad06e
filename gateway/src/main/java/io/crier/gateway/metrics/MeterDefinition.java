package io.crier.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * One meter of the node as {@link MeterCatalog} defines it: name, type, description, base unit, the tag keys
 * with the only values each may take, and for timers the histogram. Registering through it is the only way
 * a {@code crier.*} meter gets tags: a value outside the allowed set is replaced by {@link #OTHER}, so no
 * tag can ever carry a topic, a user, a session or an address, whatever a caller passes.
 *
 * <p>Immutable and thread-safe; registering twice returns the registry's existing meter.
 *
 * @param name        the Micrometer name ({@link MeterCatalog#DISCONNECTS}; Prometheus shows {@code
 *                    crier_disconnects_total})
 * @param type        counter, gauge or timer
 * @param description what it counts, shown as the Prometheus {@code HELP}
 * @param baseUnit    {@code bytes}, {@code seconds}, or {@code null} for plain counts
 * @param tags        tag key → allowed values, in a fixed order; empty for an untagged meter
 * @param histogram   for a timer, the range its histogram buckets cover; {@code null} otherwise
 */
public record MeterDefinition(String name, Meter.Type type, String description, String baseUnit,
                              Map<String, Set<String>> tags, Histogram histogram) {

    /** The value a tag gets when a caller passes one outside its allowed set. */
    public static final String OTHER = "other";

    /** The range of a timer's histogram, published as Prometheus buckets (percentile histogram). */
    public record Histogram(Duration minimum, Duration maximum) {
        public Histogram {
            Objects.requireNonNull(minimum, "minimum");
            Objects.requireNonNull(maximum, "maximum");
        }
    }

    public MeterDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        tags.forEach((key, values) -> copy.put(key, Set.copyOf(values)));
        tags = Collections.unmodifiableMap(copy);
        if (!name.startsWith("crier.")) {
            throw new IllegalArgumentException("a Crier meter name starts with crier.: " + name);
        }
    }

    /** Whether {@code value} may appear under tag {@code key} (besides {@link #OTHER}). */
    public boolean allows(String key, String value) {
        Set<String> values = tags.get(key);
        return values != null && (values.contains(value) || OTHER.equals(value));
    }

    /** Registers (or finds) the counter with these tags, given as key, value, key, value... */
    public Counter counter(MeterRegistry meters, String... keyValues) {
        expect(Meter.Type.COUNTER);
        return Counter.builder(name).description(description).baseUnit(baseUnit)
                .tags(tagsOf(keyValues)).register(meters);
    }

    /** Registers a counter that reads its count from {@code source} (which it holds weakly, as gauges do). */
    public <T> FunctionCounter functionCounter(MeterRegistry meters, T source, ToDoubleFunction<T> count,
                                               String... keyValues) {
        expect(Meter.Type.COUNTER);
        return FunctionCounter.builder(name, source, count).description(description).baseUnit(baseUnit)
                .tags(tagsOf(keyValues)).register(meters);
    }

    /** Registers a gauge that reads {@code source} (held weakly: keep a reference for as long as it should count). */
    public <T> Gauge gauge(MeterRegistry meters, T source, ToDoubleFunction<T> value, String... keyValues) {
        expect(Meter.Type.GAUGE);
        return Gauge.builder(name, source, value).description(description).baseUnit(baseUnit)
                .tags(tagsOf(keyValues)).register(meters);
    }

    /** Registers (or finds) the timer, with its histogram buckets. */
    public Timer timer(MeterRegistry meters, String... keyValues) {
        expect(Meter.Type.TIMER);
        Timer.Builder builder = Timer.builder(name).description(description).tags(tagsOf(keyValues));
        if (histogram != null) {
            builder.publishPercentileHistogram()
                    .minimumExpectedValue(histogram.minimum())
                    .maximumExpectedValue(histogram.maximum());
        }
        return builder.register(meters);
    }

    /** The tags a registration gets: exactly this definition's keys, each value allowed or {@link #OTHER}. */
    Tags tagsOf(String... keyValues) {
        if (keyValues.length != tags.size() * 2) {
            throw new IllegalArgumentException(name + " takes the tags " + tags.keySet() + ", got "
                    + List.of(keyValues));
        }
        Tags result = Tags.empty();
        for (int i = 0; i < keyValues.length; i += 2) {
            String key = keyValues[i];
            Set<String> allowed = tags.get(key);
            if (allowed == null) {
                throw new IllegalArgumentException(name + " has no tag " + key + "; its tags are " + tags.keySet());
            }
            String value = keyValues[i + 1];
            result = result.and(key, allowed.contains(value) ? value : OTHER);
        }
        return result;
    }

    private void expect(Meter.Type wanted) {
        if (type != wanted) {
            throw new IllegalStateException(name + " is a " + type + ", not a " + wanted);
        }
    }
}
