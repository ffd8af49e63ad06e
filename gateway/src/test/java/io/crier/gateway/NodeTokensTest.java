package io.crier.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.config.AuthConfig;
import io.crier.gateway.config.ConfigLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Which secret signs {@code /dev/token}: each node's own random one in development mode (a token is good on its
 * node only), {@code auth.hmacSecret} with {@code auth.devTokens} (good on every node of a local fleet).
 */
class NodeTokensTest {

    private static final String SECRET = "node-tokens-test-secret-of-32-bytes-or-more";

    private final Logger log = (Logger) LoggerFactory.getLogger(GatewayServer.class);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeEach
    void listen() {
        warnings.start();
        log.addAppender(warnings);
    }

    @AfterEach
    void stopListening() {
        log.detachAppender(warnings);
        warnings.stop();
    }

    @Test
    void withDevTokensEveryNodeWithTheSecretAcceptsAnotherNodesToken() throws InvalidTokenException {
        AuthConfig fleet = auth(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET, "CRIER_AUTH_DEV_TOKENS", "true"));
        NodeTokens node1 = new NodeTokens(fleet, Clock.systemUTC(), new SimpleMeterRegistry());
        NodeTokens node2 = new NodeTokens(fleet, Clock.systemUTC(), new SimpleMeterRegistry());

        String token = node1.devTokens(Clock.systemUTC()).issue("alice");

        assertEquals("alice", node2.verifier().verify(token).id());
        assertTrue(node2.verifier().verify(token).publish().allows("chat:lobby"));
        assertEquals(List.of("auth.devTokens=true: any client can get a token for any user, allowed to subscribe "
                + "and publish everywhere, from GET /dev/token, signed with auth.hmacSecret (every node with that "
                + "secret accepts it). For a fleet on one machine only (deploy/bin/fleet): never on a node anyone "
                + "else can reach."), warnings(Level.WARN));
    }

    @Test
    void inDevelopmentModeEachNodeSignsWithItsOwnRandomSecret() throws InvalidTokenException {
        AuthConfig dev = auth(Map.of());
        NodeTokens node1 = new NodeTokens(dev, Clock.systemUTC(), new SimpleMeterRegistry());
        NodeTokens node2 = new NodeTokens(dev, Clock.systemUTC(), new SimpleMeterRegistry());

        String token = node1.devTokens(Clock.systemUTC()).issue("alice");

        assertEquals("alice", node1.verifier().verify(token).id());
        assertThrows(InvalidTokenException.class, () -> node2.verifier().verify(token));
        assertTrue(warnings(Level.WARN).get(0).startsWith("development mode: no token key configured"));
    }

    @Test
    void withASecretAndNoDevTokensThereIsNoIssuerAndNoWarning() {
        NodeTokens node = new NodeTokens(auth(Map.of("CRIER_AUTH_HMAC_SECRET", SECRET)), Clock.systemUTC(),
                new SimpleMeterRegistry());

        assertNull(node.devTokens(Clock.systemUTC()));
        assertNotNull(node.verifier());
        assertEquals(List.of(), warnings(Level.WARN));
    }

    private List<String> warnings(Level level) {
        return warnings.list.stream().filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static AuthConfig auth(Map<String, String> env) {
        return new ConfigLoader().load(null, env).auth();
    }
}
