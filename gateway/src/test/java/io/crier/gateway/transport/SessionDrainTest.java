package io.crier.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.protocol.CloseCode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The drain's view of a node: upgraded connections only, disconnected with 4000 and a reconnect hint. */
class SessionDrainTest {

    private final TestNode node = TestNode.create();
    private final EmbeddedChannel session = new EmbeddedChannel();
    private final EmbeddedChannel httpOnly = new EmbeddedChannel();
    private final SessionDrain drain = new SessionDrain(node.channels, node.disconnector);

    @AfterEach
    void tearDown() {
        session.finishAndReleaseAll();
        httpOnly.finishAndReleaseAll();
        node.close();
    }

    @Test
    void onlyUpgradedConnectionsAreSessions() {
        Connection.of(session).completeUpgrade(false);
        node.channels.add(session);
        node.channels.add(httpOnly);

        assertEquals(List.of(session), drain.sessions());
    }

    @Test
    void aSessionIsToldToReconnectAfterItsHint() {
        Connection.of(session).completeUpgrade(false);
        node.channels.add(session);

        drain.disconnect(session, 1234);

        TextWebSocketFrame push = session.readOutbound();
        assertEquals("{\"type\":\"disconnect\",\"code\":4000,\"reason\":\"shutdown\",\"reconnect\":true,"
                + "\"reconnectDelayMs\":1234}", push.text());
        push.release();
        CloseWebSocketFrame close = session.readOutbound();
        assertEquals(CloseCode.SHUTDOWN.code(), close.statusCode());
        close.release();
        assertFalse(session.isActive());
        assertTrue(drain.sessions().isEmpty());
    }

    @Test
    void closeAllCutsOffSessionsStillInTheirCloseHandshake() {
        Connection.of(session).completeUpgrade(false);
        node.channels.add(session);
        ChannelAttributes.claimClose(session, "shutdown");

        drain.closeAll();

        assertFalse(session.isActive());
    }
}
