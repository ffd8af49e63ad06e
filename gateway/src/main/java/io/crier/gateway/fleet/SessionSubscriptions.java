package io.crier.gateway.fleet;

import io.crier.gateway.session.Session;
import io.crier.gateway.session.ServerSubscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API's {@code subscribe} and {@code unsubscribe} on the sessions themselves: each is handed to the
 * session's server-side subscription methods ({@link Session#subscribeFromServer}, {@link Session#unsubscribeFromServer}),
 * which run on the session's thread and send the {@code subscribed} / {@code unsubscribed} push. A session that
 * holds the topic already (or, to unsubscribe, does not hold it) is not reached, so that applying an action twice
 * reaches nothing the second time. Stateless; thread-safe.
 */
public final class SessionSubscriptions implements ServerSubscriptions {

    private static final Logger log = LoggerFactory.getLogger(SessionSubscriptions.class);

    @Override
    public boolean subscribe(LiveSession live, String topic) {
        Session session = live.session();
        if (session.topics().contains(topic)) {
            return false;
        }
        session.subscribeFromServer(topic, null).thenAccept(outcome -> {
            if (outcome != ServerSubscribe.SUBSCRIBED && outcome != ServerSubscribe.ALREADY_SUBSCRIBED) {
                log.debug("server API subscribe of session {}: {}", session.id(), outcome);
            }
        });
        return true;
    }

    @Override
    public boolean unsubscribe(LiveSession live, String topic) {
        Session session = live.session();
        if (!session.topics().contains(topic)) {
            return false;
        }
        session.unsubscribeFromServer(topic);
        return true;
    }
}
