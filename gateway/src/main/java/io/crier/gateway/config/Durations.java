package io.crier.gateway.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of configuration values: a whole number and one unit, {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d}), or a
 * bare {@code 0}. Public for the tools that take durations on their command line in the same syntax
 * ({@code deploy/bin/token --ttl}). Stateless and thread-safe.
 */
public final class Durations {

    // Twelve digits keep every value far from Duration's and long's overflow.
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration {@code text} denotes, or empty when it is not in the syntax. */
    public static Optional<Duration> parse(String text) {
        if ("0".equals(text)) {
            return Optional.of(Duration.ZERO);
        }
        Matcher matcher = SYNTAX.matcher(text);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }

    /** {@code duration} in the configuration syntax, in the largest unit that expresses it exactly. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0";
        }
        // Whole days first: twelve digits of them would overflow toMillis().
        if (!duration.isNegative() && duration.toNanosPart() == 0 && duration.getSeconds() % 86_400 == 0) {
            return duration.toDays() + "d";
        }
        if (duration.isNegative() || duration.toNanosPart() % 1_000_000 != 0) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
