package io.crier.gateway.session;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.protocol.Command;
import io.crier.protocol.ErrorCode;
import io.crier.protocol.Reply;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The user of one {@link Session} and the expiry timers of its token: the one owner of both. A {@code refresh}
 * replaces the user with the one of a new token for the same {@code sub} ({@link #refresh}); the refresh hook's
 * answer only moves the expiry ({@link #renew}); either restarts the {@link TokenLifetime}, unless the session is
 * closed.
 *
 * <p>Confined to the session's event loop, except {@link #current}, which may be read from any thread.
 */
final class SessionUser {

    private final TokenVerifier verifier;
    /** Held itself rather than a method reference to its {@code closed()}: 16 bytes less per session. */
    private final SessionTopics topics;
    private volatile User user;
    private TokenLifetime lifetime;
    private Consumer<String> refusals = reason -> { };

    /** @param topics the session's topics: once {@link SessionTopics#closed}, the timers are not restarted */
    SessionUser(User user, TokenVerifier verifier, SessionTopics topics) {
        this.user = Objects.requireNonNull(user, "user");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.topics = Objects.requireNonNull(topics, "topics");
    }

    /** The current user: the one of the latest accepted token, or {@link User#ANONYMOUS}. */
    User current() {
        return user;
    }

    /** See {@link Session#watchExpiry}. */
    void watchExpiry(TokenLifetime tokenLifetime) {
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        if (lifetime != null) {
            lifetime.cancel();
        }
        lifetime = tokenLifetime;
        track();
    }

    /** See {@link Session#reportRefreshRefusals}. */
    void reportRefusals(Consumer<String> refreshRefusals) {
        this.refusals = Objects.requireNonNull(refreshRefusals, "refreshRefusals");
    }

    /** See {@link Session#renew}. */
    void renew(Instant expiresAt) {
        User was = user;
        user = new User(was.id(), was.subscribe(), was.publish(), expiresAt, was.info(), was.topics(), was.tokenId(),
                was.issuedAt());
        track();
    }

    /**
     * Accepts the new token only when it verifies and names the same {@code sub}; otherwise the old token
     * (and its expiry) stays. An anonymous session has no token to replace: {@code forbidden}.
     */
    Reply refresh(Command.Refresh command) {
        if (user.isAnonymous()) {
            return new Reply.Error(command.id(), ErrorCode.FORBIDDEN,
                    "an anonymous session cannot refresh; reconnect with a token");
        }
        User renewed;
        try {
            renewed = verifier.verify(command.token());
        } catch (InvalidTokenException e) {
            // A client mistake: the reply tells the client, the reason goes to the (rate-bounded) connection log.
            return refused(command, e.reason().tag());
        }
        if (!renewed.id().equals(user.id())) {
            return refused(command, Session.OTHER_USER);
        }
        user = renewed;
        track();
        return new Reply.Ok(command.id());
    }

    /** Cancels the expiry timers (the session closed). */
    void cancel() {
        if (lifetime != null) {
            lifetime.cancel();
        }
    }

    private Reply refused(Command.Refresh command, String reason) {
        refusals.accept(reason);
        return new Reply.Error(command.id(), ErrorCode.INVALID_TOKEN, "token refused; the current token stays");
    }

    private void track() {
        if (lifetime != null && !topics.closed()) {
            lifetime.track(user);
        }
    }
}
