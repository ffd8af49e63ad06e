package io.crier.gateway.transport;

import io.crier.gateway.auth.DevTokenIssuer;
import io.crier.gateway.hub.Hub;
import io.crier.gateway.session.PresenceResponder;
import io.crier.gateway.session.SessionListener;
import io.crier.gateway.session.SessionPolicy;
import io.crier.gateway.session.TopicListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;

/**
 * A test builder for the transport's parts whose constructors take every collaborator, as the composition root
 * passes them: what a test leaves out is what a node without that feature has (no admin API, no metrics route,
 * no presence, no publish API), and meters a test does not read go to a registry of their own. Stateless.
 */
final class TestHandlers {

    private TestHandlers() {
    }

    /** {@code http-routes} without the admin API and the metrics route. */
    static HttpRoutesHandler routes(String wsPath, Readiness readiness, DevTokenIssuer devTokens) {
        return routes(wsPath, readiness, devTokens, null);
    }

    /** {@code http-routes} with {@code admin} (or none), without the metrics route. */
    static HttpRoutesHandler routes(String wsPath, Readiness readiness, DevTokenIssuer devTokens, AdminRoutes admin) {
        return new HttpRoutesHandler(wsPath, readiness, devTokens, admin, null);
    }

    /** The admin API without the cluster view's route. */
    static AdminRoutes admin(byte[] key, Runnable startDrain, MeterRegistry meters) {
        return new AdminRoutes(key, startDrain, null, null, meters);
    }

    /** A node's shared handlers, with {@code api} (or none) and a telemetry handler that logs nothing. */
    static SharedHandlers shared(HttpRoutesHandler routes, HandshakeGuardHandler guard, EnvelopeCodecHandler envelopes,
                                 ExceptionHandler exceptions, PublishApiEndpoint api) {
        return new SharedHandlers(routes, guard, envelopes, exceptions, api,
                new TelemetryHandler(new SimpleMeterRegistry(), null));
    }

    /** A fan-out whose meters go to a registry of its own. */
    static NettyFanout fanout(Disconnector disconnector) {
        return new NettyFanout(ByteBufAllocator.DEFAULT, disconnector, new SimpleMeterRegistry());
    }

    /** A session factory without presence. */
    static SessionFactory sessions(Hub hub, String nodeId, SessionPolicy policy,
                                   Duration heartbeat) {
        return new SessionFactory(hub, nodeId, policy, heartbeat, TopicListener.NONE, PresenceResponder.NONE,
                SessionListener.NONE);
    }
}
