package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.limits.ConnectionLimiter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connection's one record: its phase moves one way, through named transitions that hand their facts on. */
class ConnectionTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Connection connection = Connection.of(channel);
    private final User alice = new User("alice", TopicPatterns.NONE, TopicPatterns.NONE, Instant.MAX);

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void isKeptUnderTheChannelsAttributes() {
        assertSame(connection, Connection.of(channel));
        assertFalse(connection.isUpgraded());
    }

    @Test
    void theUpgradeHandsTheBearerUserOnInItsEventAndForgetsIt() {
        connection.bearerVerified(alice);
        ConnectionEvent.UpgradeCompleted upgrade = connection.completeUpgrade(true);
        assertSame(alice, upgrade.bearerUser());
        assertTrue(upgrade.compressed());
        assertTrue(connection.isUpgraded());
        assertTrue(connection.compressed());
        assertNull(connection.bearerUser());
    }

    @Test
    void aSessionOpensOnlyOnAnUpgradedConnectionAndOnlyOnce() {
        assertThrows(IllegalStateException.class, () -> connection.openSession("s-1", alice));
        connection.completeUpgrade(false);
        ConnectionEvent.SessionOpened opened = connection.openSession("s-1", alice);
        assertEquals(new ConnectionEvent.SessionOpened("s-1", "alice"), opened);
        assertEquals("s-1", connection.session());
        assertTrue(connection.isUpgraded(), "authenticated is still upgraded");
        assertThrows(IllegalStateException.class, () -> connection.openSession("s-2", alice));
        assertThrows(IllegalStateException.class, () -> connection.completeUpgrade(false));
    }

    @Test
    void anAnonymousSessionIsNamedSo() {
        connection.completeUpgrade(false);
        assertEquals("anonymous", connection.openSession("s-1", User.ANONYMOUS).user());
    }

    @Test
    void aUserIsCountedAgainstTheLeaseOfAnAdmittedConnectionOnly() {
        assertTrue(connection.bindUser(alice), "not admitted here: not limited");
        ConnectionLimiter limiter = new ConnectionLimiter(10, 10, 1);
        connection.admitted(limiter.admit("10.0.0.1").lease());
        assertTrue(connection.isAdmitted());
        assertTrue(connection.bindUser(alice));
        assertTrue(connection.bindUser(User.ANONYMOUS), "anonymous users are not limited");
        Connection other = Connection.of(new EmbeddedChannel());
        other.admitted(limiter.admit("10.0.0.2").lease());
        assertFalse(other.bindUser(alice), "alice holds her one connection already");
    }
}
