package io.crier.gateway.fleet;

import io.crier.gateway.auth.User;
import io.crier.gateway.session.Session;
import io.crier.protocol.Close;

/**
 * One open session of this node, as the server API's actions see it. The transport makes one per authenticated
 * connection and attaches it to the connection's lease, whose limiter lists them by user. Implementations are
 * thread-safe: actions call them from the control channel's thread.
 */
public interface LiveSession {

    /** The user of the session's current token (after any refresh). */
    User user();

    /** The domain session, for {@link ServerSubscriptions}. */
    Session session();

    /**
     * Closes the session with {@code close} (its {@code disconnect} push and close frame): one of Crier's codes
     * ({@code CloseCode.close()}) or a backend's application code.
     *
     * @return whether this call started the close (false: it was closing already)
     */
    boolean disconnect(Close close);
}
