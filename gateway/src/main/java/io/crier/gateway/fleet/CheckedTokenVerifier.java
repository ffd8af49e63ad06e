package io.crier.gateway.fleet;

import io.crier.cluster.RevocationSet.Verdict;
import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.gateway.auth.TokenVerifier;
import io.crier.gateway.auth.User;
import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * A {@link TokenVerifier} that also refuses what the revocations refuse: a verified token that was revoked, or
 * whose user's older tokens were invalidated, fails with {@link Reason#REVOKED}, a blocked user's with
 * {@link Reason#BLOCKED}. Every verification goes through it: the {@code auth} command, the
 * {@code Authorization: Bearer} upgrade and {@code refresh}. Refusals are counted in
 * {@link MeterCatalog#AUTH_FAILURES} with the verifier's own. Thread-safe as its parts are; never blocks.
 */
public final class CheckedTokenVerifier implements TokenVerifier {

    private final TokenVerifier verifier;
    private final RevocationCache revocations;
    private final Counter revoked;
    private final Counter blocked;

    public CheckedTokenVerifier(TokenVerifier verifier, RevocationCache revocations, MeterRegistry meters) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.revoked = MeterCatalog.AUTH_FAILURES.counter(meters, "reason", Reason.REVOKED.tag());
        this.blocked = MeterCatalog.AUTH_FAILURES.counter(meters, "reason", Reason.BLOCKED.tag());
    }

    @Override
    public User verify(String token) throws InvalidTokenException {
        User user = verifier.verify(token);
        Verdict verdict = revocations.check(user);
        if (verdict == Verdict.BLOCKED) {
            blocked.increment();
            throw new InvalidTokenException(Reason.BLOCKED);
        }
        if (verdict == Verdict.REVOKED) {
            revoked.increment();
            throw new InvalidTokenException(Reason.REVOKED);
        }
        return user;
    }
}
