package io.crier.gateway.transport;

import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.limits.CommandRateLimiter.Decision;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.netty.channel.Channel;
import java.util.Objects;

/**
 * How the transport spends a connection's command bucket: every command, ping and pong takes a token from it
 * ({@code command-limits} and {@code control-limits} share the connection's one bucket); a refusal is counted in
 * {@link MeterCatalog#COMMANDS_RATE_LIMITED}, and a run of them ({@link Decision#FLOOD}) closes the connection with
 * {@link CloseCode#COMMAND_FLOOD} (4502). What a refused command or ping gets instead is the caller's business.
 *
 * <p>One per node (a connection's {@link Connection} holds only its bucket); thread-safe, and each bucket is confined
 * to its channel's event loop.
 */
final class CommandBudget {

    private final Disconnector disconnector;
    private final LimitMeters meters;

    CommandBudget(Disconnector disconnector, LimitMeters meters) {
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /**
     * Takes a token from the bucket of {@code channel} ({@link Connection#commandBucket}) for one inbound command or
     * control frame, and says what to do with it.
     */
    Decision take(Channel channel) {
        Decision decision = Connection.of(channel).commandBucket().acquire();
        if (decision != Decision.ALLOW) {
            meters.rateLimited().increment();
        }
        if (decision == Decision.FLOOD) {
            disconnector.disconnect(channel, CloseCode.COMMAND_FLOOD);
        }
        return decision;
    }

    /** The counters of the limit handlers, for what a caller counts itself. */
    LimitMeters meters() {
        return meters;
    }
}
