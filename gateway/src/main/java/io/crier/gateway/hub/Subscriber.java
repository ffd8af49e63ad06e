package io.crier.gateway.hub;

/** One local receiver of publications, as the {@link Hub} sees it: a session. */
public interface Subscriber {

    /** The session id, unique on this node. */
    String sessionId();
}
