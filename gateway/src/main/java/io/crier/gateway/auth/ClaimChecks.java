package io.crier.gateway.auth;

import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.protocol.RawJson;
import io.crier.protocol.StrictJsonObject;
import io.crier.protocol.Topics;
import io.crier.protocol.UserIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The claim rules of a token whose signature is already verified, and the {@link User} they give:
 * {@code exp} required and in the future, {@code nbf} and {@code iat} (when present) not in the future,
 * each with the clock leeway; {@code iss} a string equal to the configured issuer and {@code aud} (a string
 * or an array of strings) holding the configured audience, when those are configured; {@code sub} a
 * non-blank string of at most {@value JwtTokenVerifier#MAX_SUBJECT_LENGTH} characters with no control
 * character, line separator or unpaired surrogate; {@code subscribe} and {@code publish} arrays of strings when
 * present; {@code info} (any JSON value, optional) is kept for presence; {@code topics} (optional) an array of
 * valid topic names, the session's server-side subscriptions; {@code jti} (optional) a string the server API can
 * revoke, and {@code iat} (optional), are kept for revocation checks.
 *
 * <p>The times are whatever instants {@link CompactJws} read (a NumericDate that is not a number, or lies outside
 * {@link Instant}'s range, was already refused as malformed; a fraction of a second is dropped), so every
 * comparison here is written so that it cannot overflow, even for {@code exp} at {@link Instant#MAX}: the
 * leeway moves "now", never the claim.
 *
 * <p>Thread-safe; immutable but for the {@link PatternsCache} that lets users with the same claim share its
 * {@link TopicPatterns}.
 */
final class ClaimChecks {

    /** The most topics a {@code topics} claim may list; a session's own limit is usually lower. */
    static final int MAX_TOPICS_CLAIM = 1024;

    private final String issuer;
    private final String audience;
    private final Duration leeway;
    private final Clock clock;
    private final PatternsCache sharedClaims = new PatternsCache();

    /**
     * @param issuer   the required {@code iss}; empty or {@code null} means not checked
     * @param audience a value {@code aud} must hold; empty or {@code null} means not checked
     * @param leeway   the tolerance on {@code exp}, {@code nbf} and {@code iat}, for clocks that differ a little
     * @param clock    the clock of now
     */
    ClaimChecks(String issuer, String audience, Duration leeway, Clock clock) {
        this.issuer = issuer == null || issuer.isEmpty() ? null : issuer;
        this.audience = audience == null || audience.isEmpty() ? null : audience;
        this.leeway = Objects.requireNonNull(leeway, "leeway");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (leeway.isNegative()) {
            throw new IllegalArgumentException("leeway must not be negative");
        }
    }

    /**
     * The user of a token whose signature is verified. Expiry is judged last: a token refused as
     * {@link Reason#EXPIRED} breaks no other rule, so that a fresh token from the same issuer would be accepted
     * (the client may reconnect with one, close code 4004), while a token that breaks another rule as well is
     * refused for that rule (4500: no fresh token of the same kind helps).
     */
    User user(CompactJws jwt) throws InvalidTokenException {
        Instant now = clock.instant();
        Instant expiresAt = jwt.expiresAt();
        if (expiresAt == null) {
            throw new InvalidTokenException(Reason.MISSING_EXP);
        }
        checkNotBefore(jwt, now);
        // Only a string: iss:5 must not match "5".
        if (issuer != null && !issuer.equals(string(jwt.claim("iss")))) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER);
        }
        if (audience != null && !holdsAudience(jwt.claim("aud"))) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE);
        }
        User user = new User(subject(jwt), patterns(jwt, "subscribe", Reason.INVALID_SUBSCRIBE),
                patterns(jwt, "publish", Reason.INVALID_PUBLISH), expiresAt, info(jwt), topics(jwt), tokenId(jwt),
                jwt.issuedAt());
        checkNotExpired(expiresAt, now);
        return user;
    }

    /**
     * The {@code info} claim as compact JSON text, or {@code null} when it is missing or null. Bounded by the
     * token's own size limits.
     */
    private static RawJson info(CompactJws jwt) {
        Object claim = jwt.claim("info");
        return isMissingOrNull(claim) ? null : RawJson.trusted(StrictJsonObject.json(claim));
    }

    /** Whether {@code aud} is the configured audience or an array of strings holding it; numbers are not text. */
    private boolean holdsAudience(Object aud) {
        if (aud instanceof String single) {
            return single.equals(audience);
        }
        return aud instanceof List<?> items && items.stream().allMatch(String.class::isInstance)
                && items.contains(audience);
    }

    /** Whether a claim is missing ({@code null}) or JSON null. */
    private static boolean isMissingOrNull(Object claim) {
        return claim == null || claim == StrictJsonObject.NULL;
    }

    /** The claim when it is a string, else {@code null}. */
    private static String string(Object claim) {
        return claim instanceof String text ? text : null;
    }

    /**
     * Refuses a token whose {@code nbf} or {@code iat} lies beyond now + leeway. Not retryable (close 4500): a
     * fresh token from the same issuer has the same problem, which is a clock out of step by more than the
     * leeway (the issuer's or the node's), for the operator to fix; or a token meant for later.
     */
    private void checkNotBefore(CompactJws jwt, Instant now) throws InvalidTokenException {
        Instant latestAccepted = now.plus(leeway);
        Instant notBefore = jwt.notBefore();
        if (notBefore != null && notBefore.isAfter(latestAccepted)) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID);
        }
        Instant issuedAt = jwt.issuedAt();
        if (issuedAt != null && issuedAt.isAfter(latestAccepted)) {
            throw new InvalidTokenException(Reason.ISSUED_IN_FUTURE);
        }
    }

    private void checkNotExpired(Instant expiresAt, Instant now) throws InvalidTokenException {
        // Expired from exp + leeway on: with no leeway, a token expiring this very second is already refused.
        // Written as now - leeway >= exp, since exp + leeway overflows for an exp near Instant.MAX.
        if (!now.minus(leeway).isBefore(expiresAt)) {
            throw new InvalidTokenException(Reason.EXPIRED);
        }
    }

    /**
     * The {@code jti} claim, which revocation names, or {@code null} when the token has none: a string that the
     * server API would take as a token id ({@link UserIds#isValid}), so that every token id a node
     * accepts can be revoked.
     */
    private static String tokenId(CompactJws jwt) throws InvalidTokenException {
        Object claim = jwt.claim("jti");
        if (isMissingOrNull(claim)) {
            return null;
        }
        String tokenId = string(claim);
        if (!UserIds.isValid(tokenId)) {
            throw new InvalidTokenException(Reason.INVALID_JTI);
        }
        return tokenId;
    }

    private static String subject(CompactJws jwt) throws InvalidTokenException {
        Object claim = jwt.claim("sub");
        if (isMissingOrNull(claim)) {
            throw new InvalidTokenException(Reason.MISSING_SUB);
        }
        String subject = string(claim);
        if (!isValidSubject(subject)) {
            throw new InvalidTokenException(Reason.INVALID_SUB);
        }
        return subject;
    }

    /**
     * Whether {@code subject} is a {@code sub} the node accepts: a valid user id ({@link UserIds#isValid}). Shared
     * with {@link TokenClaims}, so that a tool never signs a sub the node refuses.
     */
    static boolean isValidSubject(String subject) {
        return UserIds.isValid(subject);
    }

    /**
     * The {@code topics} claim (server-side subscriptions): an array of valid topic names, at most
     * {@value #MAX_TOPICS_CLAIM} of them, a repeated name kept once; empty when missing. The session's own topic
     * limit is checked when the session opens. Anything else makes the token invalid.
     */
    private static List<String> topics(CompactJws jwt) throws InvalidTokenException {
        Object claim = jwt.claim("topics");
        if (claim == null) {
            return List.of();
        }
        if (!(claim instanceof List<?> items) || items.size() > MAX_TOPICS_CLAIM) {
            throw new InvalidTokenException(Reason.INVALID_TOPICS);
        }
        Set<String> topics = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof String topic) || !Topics.isValid(topic)) {
                throw new InvalidTokenException(Reason.INVALID_TOPICS);
            }
            topics.add(topic);
        }
        return List.copyOf(topics);
    }

    private TopicPatterns patterns(CompactJws jwt, String name, Reason invalid)
            throws InvalidTokenException {
        Object claim = jwt.claim(name);
        if (claim == null) {
            return TopicPatterns.NONE;
        }
        if (!(claim instanceof List<?> items)) {
            throw new InvalidTokenException(invalid);
        }
        List<String> patterns = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String pattern)) {
                throw new InvalidTokenException(invalid);
            }
            patterns.add(pattern);
        }
        return sharedClaims.of(patterns);
    }
}
