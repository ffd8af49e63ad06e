package io.crier.gateway.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies HS256 JWTs with one shared secret: signature, {@code exp} (required, in the future), {@code nbf}
 * (when present) and {@code sub} (required, non-blank, at most {@value #MAX_SUBJECT_LENGTH} characters);
 * reads the {@code subscribe} and {@code publish} claims (arrays of topic patterns, absent means none, any
 * other type refuses the token). Any other algorithm, {@code none} included, is refused. {@code iat} is
 * informative only and not checked. There is no clock leeway: {@code exp} and {@code nbf} are compared
 * with the clock exactly (a later issue makes a 0 to 5 s leeway configurable).
 *
 * <p>Immutable and thread-safe.
 */
public final class JwtTokenVerifier implements TokenVerifier {

    /** The longest accepted {@code sub}. */
    public static final int MAX_SUBJECT_LENGTH = 256;

    private final JWTVerifier verifier;

    /**
     * @param hmacSecret the shared secret, at least 32 bytes (copied)
     * @param clock      the clock {@code exp} and {@code nbf} are checked against
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public JwtTokenVerifier(byte[] hmacSecret, Clock clock) {
        JWTVerifier.BaseVerification verification = (JWTVerifier.BaseVerification) JWT
                .require(HmacKeys.hs256(hmacSecret))
                .withClaimPresence("exp")
                .acceptLeeway(0)
                .ignoreIssuedAt();
        this.verifier = verification.build(clock);
    }

    @Override
    public User verify(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty()) {
            throw new InvalidTokenException("missing token");
        }
        DecodedJWT jwt = verifySignatureAndTimes(token);
        String subject = subject(jwt);
        return new User(subject, patterns(jwt, "subscribe"), patterns(jwt, "publish"),
                jwt.getExpiresAtAsInstant());
    }

    private DecodedJWT verifySignatureAndTimes(String token) throws InvalidTokenException {
        try {
            return verifier.verify(token);
        } catch (AlgorithmMismatchException e) {
            throw new InvalidTokenException("algorithm not allowed (only HS256)");
        } catch (SignatureVerificationException e) {
            throw new InvalidTokenException("bad signature");
        } catch (TokenExpiredException e) {
            throw new InvalidTokenException("expired");
        } catch (MissingClaimException e) {
            throw new InvalidTokenException("missing " + e.getClaimName());
        } catch (IncorrectClaimException e) {
            throw new InvalidTokenException("nbf".equals(e.getClaimName())
                    ? "not valid yet (nbf is in the future)" : "invalid " + e.getClaimName());
        } catch (JWTDecodeException e) {
            throw new InvalidTokenException("malformed token");
        } catch (JWTVerificationException e) {
            // Every other refusal java-jwt knows of; the class name is enough for logs.
            throw new InvalidTokenException("invalid token (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String subject(DecodedJWT jwt) throws InvalidTokenException {
        Claim claim = jwt.getClaim("sub");
        if (claim.isMissing() || claim.isNull()) {
            throw new InvalidTokenException("missing sub");
        }
        String subject = claim.asString();
        if (subject == null) {
            throw new InvalidTokenException("sub is not a string");
        }
        if (subject.isBlank()) {
            throw new InvalidTokenException("sub is blank");
        }
        if (subject.length() > MAX_SUBJECT_LENGTH) {
            throw new InvalidTokenException("sub is longer than " + MAX_SUBJECT_LENGTH + " characters");
        }
        return subject;
    }

    private static TopicPatterns patterns(DecodedJWT jwt, String name) throws InvalidTokenException {
        Claim claim = jwt.getClaim(name);
        if (claim.isMissing()) {
            return TopicPatterns.NONE;
        }
        List<Object> items = claim.isNull() ? null : claim.asList(Object.class);
        if (items == null) {
            throw new InvalidTokenException(name + " is not an array of strings");
        }
        List<String> patterns = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String pattern)) {
                throw new InvalidTokenException(name + " is not an array of strings");
            }
            patterns.add(pattern);
        }
        return TopicPatterns.of(patterns);
    }
}
