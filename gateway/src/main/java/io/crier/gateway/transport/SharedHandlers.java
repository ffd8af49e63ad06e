package io.crier.gateway.transport;

import java.util.Objects;

/**
 * The stateless, {@code @Sharable} handlers of a node: one instance each, added to every connection's
 * pipeline by {@link GatewayChannelInitializer}. Immutable; thread-safe.
 *
 * @param routes     {@code http-routes}
 * @param guard      {@code handshake-guard}
 * @param envelopes  {@code envelope-codec}
 * @param exceptions {@code exceptions}
 * @param api        the HTTP publish API that each connection's {@code http-api} handler serves, or {@code null}
 *                   when {@code api.key} is empty (then no connection gets that handler)
 * @param telemetry  {@code telemetry}: bytes in and out, connection lifecycle log lines
 */
public record SharedHandlers(
        HttpRoutesHandler routes,
        HandshakeGuardHandler guard,
        EnvelopeCodecHandler envelopes,
        ExceptionHandler exceptions,
        PublishApiEndpoint api,
        TelemetryHandler telemetry) {

    public SharedHandlers {
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(envelopes, "envelopes");
        Objects.requireNonNull(exceptions, "exceptions");
        Objects.requireNonNull(telemetry, "telemetry");
    }
}
