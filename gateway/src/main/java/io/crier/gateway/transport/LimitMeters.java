package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.crier.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The counters of the limit handlers. No tag carries a topic, a user or an IP address: those are unbounded.
 * Immutable; thread-safe (Micrometer counters are).
 *
 * @param handshakeTimeout  {@code crier.handshakes.refused{reason=timeout}}: connections closed because
 *                          the upgrade did not complete within {@code server.handshakeTimeout}
 * @param handshakeTooLarge {@code crier.handshakes.refused{reason=too_large}}: request heads or bodies over
 *                          {@code server.maxHandshakeBytes}
 * @param compressed        {@code crier.connections.compressed}: upgrades that negotiated permessage-deflate
 * @param rateLimited       {@code crier.commands.rate_limited}: commands refused by the session's bucket
 * @param commandErrors     {@code crier.commands.errors{code}}: error replies, by error code
 */
record LimitMeters(Counter handshakeTimeout, Counter handshakeTooLarge, Counter compressed, Counter rateLimited,
                   Map<ErrorCode, Counter> commandErrors) {

    static LimitMeters register(MeterRegistry meters) {
        Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, MeterCatalog.COMMAND_ERRORS.counter(meters, "code", code.wire()));
        }
        return new LimitMeters(refused(meters, "timeout"), refused(meters, "too_large"),
                MeterCatalog.CONNECTIONS_COMPRESSED.counter(meters),
                MeterCatalog.COMMANDS_RATE_LIMITED.counter(meters),
                Map.copyOf(errors));
    }

    /** {@code crier.handshakes.refused} with {@code reason}, the counter the handshake guard also uses. */
    static Counter refused(MeterRegistry meters, String reason) {
        return MeterCatalog.HANDSHAKES_REFUSED.counter(meters, "reason", reason);
    }

    /** Counts one error reply. */
    void commandError(ErrorCode code) {
        commandErrors.get(code).increment();
    }
}
