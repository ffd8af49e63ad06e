package io.crier.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * One fact a {@link RevocationStore} keeps until {@link #until()}: a revoked token, a user's older tokens made
 * invalid, or a blocked user. Immutable; thread-safe.
 */
public sealed interface Revocation {

    /** When the fact stops mattering and may be forgotten. */
    Instant until();

    /**
     * The token with {@code jti} {@code tokenId} is refused until {@code until} (its {@code exp}: after that it is
     * refused as expired anyway).
     */
    record Token(String tokenId, Instant until) implements Revocation {
        public Token {
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(until, "until");
        }
    }

    /**
     * Every token of {@code user} issued ({@code iat}) before {@code issuedBefore}, or without {@code iat}, is
     * refused until {@code until} (no later than the longest token lifetime after {@code issuedBefore}).
     */
    record OlderTokens(String user, Instant issuedBefore, Instant until) implements Revocation {
        public OlderTokens {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(issuedBefore, "issuedBefore");
            Objects.requireNonNull(until, "until");
        }
    }

    /** {@code user} may not connect until {@code until}. */
    record Block(String user, Instant until) implements Revocation {
        public Block {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(until, "until");
        }
    }

    /** Ends a {@link Block} of {@code user}; {@code until} is when the unblock was asked (it is kept no longer). */
    record Unblock(String user, Instant until) implements Revocation {
        public Unblock {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(until, "until");
        }
    }
}
