package io.crier.gateway.transport;

import io.crier.gateway.limits.CommandRateLimiter;
import io.crier.gateway.limits.CommandRateLimiter.Decision;
import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.CloseCode;
import io.netty.channel.Channel;
import java.util.Objects;

/**
 * One connection's command bucket as the transport spends it: every command, ping and pong takes a token
 * ({@code command-limits} and {@code control-limits} share this one object); a refusal is counted in
 * {@link MeterCatalog#COMMANDS_RATE_LIMITED}, and a run of them ({@link Decision#FLOOD}) closes the connection with
 * {@link CloseCode#COMMAND_FLOOD} (4502). What a refused command or ping gets instead is the caller's business.
 *
 * <p>Per connection; confined to the channel's event loop.
 */
final class CommandBudget {

    private final CommandRateLimiter bucket;
    private final Disconnector disconnector;
    private final LimitMeters meters;

    CommandBudget(CommandRateLimiter bucket, Disconnector disconnector, LimitMeters meters) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.disconnector = Objects.requireNonNull(disconnector, "disconnector");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** Takes a token for one inbound command or control frame on {@code channel}, and says what to do with it. */
    Decision take(Channel channel) {
        Decision decision = bucket.acquire();
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
