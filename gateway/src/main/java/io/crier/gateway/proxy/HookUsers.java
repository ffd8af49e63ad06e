package io.crier.gateway.proxy;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.protocol.HookResponse;
import java.time.Instant;

/** Builds the {@link User} of a connect hook's result. Stateless; thread-safe. */
public final class HookUsers {

    private HookUsers() {
    }

    /**
     * The user {@code result} describes: its {@code user} as the id, {@code subscribe} and {@code publish} as the
     * claims of those names, {@code expireAt} as the expiry ({@link Instant#MAX}, never, when absent), {@code info},
     * and {@code topics} as the server-side subscriptions. It has no {@code jti} or {@code iat}.
     */
    public static User user(HookResponse.Result result) {
        return new User(result.user(), TopicPatterns.of(result.subscribe()), TopicPatterns.of(result.publish()),
                result.expireAt() == null ? Instant.MAX : result.expireAt(), result.info(), result.topics(), null,
                null);
    }
}
