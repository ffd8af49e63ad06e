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
 * @param handshakeTimeout  {@link MeterCatalog#HANDSHAKES_REFUSED} ({@code reason=timeout}): connections closed because
 *                          the upgrade did not complete within {@code server.handshakeTimeout}
 * @param handshakeTooLarge {@link MeterCatalog#HANDSHAKES_REFUSED} ({@code reason=too_large}): request heads or
 *                          bodies over {@code server.maxHandshakeBytes}
 * @param compressed        {@link MeterCatalog#CONNECTIONS_COMPRESSED}: upgrades that negotiated permessage-deflate
 * @param rateLimited       {@link MeterCatalog#COMMANDS_RATE_LIMITED}: commands refused by the session's bucket
 * @param commandErrors     {@link MeterCatalog#COMMAND_ERRORS} ({@code code}): error replies, by error code
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

    /** {@link MeterCatalog#HANDSHAKES_REFUSED} with {@code reason}, the counter the handshake guard also uses. */
    static Counter refused(MeterRegistry meters, String reason) {
        return MeterCatalog.HANDSHAKES_REFUSED.counter(meters, "reason", reason);
    }

    /** Counts one error reply. */
    void commandError(ErrorCode code) {
        commandErrors.get(code).increment();
    }
}
