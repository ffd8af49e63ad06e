package io.crier.gateway.proxy;

import io.crier.gateway.auth.User;
import io.crier.protocol.Close;
import io.crier.protocol.CloseCode;
import io.crier.protocol.HookResponse;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Renews a connect-hook session through the refresh hook when its expiry nears, in place of the {@code expiring}
 * push (the client has no token to refresh with). The backend's {@code result} moves the expiry to its
 * {@code expireAt}; its {@code error} or {@code disconnect} closes the session ({@link CloseCode#BACKEND_REFUSED}, or
 * {@link HookResponse.Disconnect#close()}: an application code passes through); a failure leaves the expiry as it
 * was, and the caller tries again later.
 *
 * <p>Thread-safe: immutable; answers complete on the session's executor.
 */
public final class HookRefresh {

    /** What a refresh ends in; called on the session's executor. */
    public interface Outcome {
        /** The backend moved the session's expiry to {@code expiresAt}. */
        void renewed(Instant expiresAt);

        /** The backend wants the session closed with {@code close}. */
        void refused(Close close);

        /** The backend could not be asked; the expiry stands. */
        void failed();
    }

    private final ProxyHooks hooks;
    private final Map<String, String> headers;
    private final Executor loop;

    public HookRefresh(ProxyHooks hooks, Map<String, String> headers, Executor loop) {
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.headers = Map.copyOf(headers);
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** Asks the refresh hook about {@code user}'s session {@code session}; tells {@code outcome} the end. */
    public void refresh(String session, User user, Outcome outcome) {
        hooks.refresh(session, user.id(), headers).thenAcceptAsync(answer -> {
            if (answer.result() != null) {
                outcome.renewed(answer.result().expireAt());
            } else if (answer.response() instanceof HookResponse.Disconnect order) {
                outcome.refused(order.close());
            } else if (answer.response() instanceof HookResponse.Error) {
                outcome.refused(CloseCode.BACKEND_REFUSED.close());
            } else {
                outcome.failed();
            }
        }, loop);
    }
}
