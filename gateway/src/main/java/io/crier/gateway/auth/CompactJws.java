package io.crier.gateway.auth;

import io.crier.gateway.auth.InvalidTokenException.Reason;
import io.crier.protocol.StrictJson;
import io.crier.protocol.StrictJsonObject;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A token in the JWS compact form (RFC 7515 7.1), read strictly and once: exactly three segments, each
 * canonical base64url without padding (RFC 7515 2: no {@code =}, {@code +}, {@code /} or whitespace, and no
 * unused bit set in the last character), so that a token has one spelling; a header and a payload that are each
 * exactly one JSON object by {@link StrictJson#isObject} (no duplicate name at any depth, so
 * {@code "sub":"alice","sub":"admin"} cannot mean whichever one the reader picks), read in the same pass
 * ({@link StrictJsonObject}); no {@code crit} header, since no extension is understood (RFC 7515 4.1.11); and the
 * registered claims in the shapes RFC 7519 gives them: {@code exp}, {@code nbf} and {@code iat} a NumericDate an
 * {@link Instant} holds (a fraction of a second is dropped), {@code aud} a string or an array of strings (or of
 * scalars). The signature may be empty: it then fails to verify, and {@code alg: none} is still refused for its
 * algorithm. These are the checks java-jwt's decoding made, after ours, before this class replaced it for every
 * token; a token it refuses is {@link Reason#MALFORMED}.
 *
 * <p>Immutable and thread-safe. Tokens are read by a {@link Reader}, which keeps the last header it read.
 */
final class CompactJws {

    /** The longest header a {@link Reader} keeps. */
    static final int MAX_KEPT_HEADER_BYTES = 256;

    private final String token;
    private final byte[] ascii;
    private final int signingInputEnd;
    private final StrictJsonObject header;
    private final StrictJsonObject payload;
    private final byte[] signature;
    private final Instant expiresAt;
    private final Instant notBefore;
    private final Instant issuedAt;

    private CompactJws(String token, byte[] ascii, int signingInputEnd, StrictJsonObject header,
            StrictJsonObject payload, byte[] signature) throws InvalidTokenException {
        this.token = token;
        this.ascii = ascii;
        this.signingInputEnd = signingInputEnd;
        this.header = header;
        this.payload = payload;
        this.signature = signature;
        this.expiresAt = numericDate(payload.get("exp"));
        this.notBefore = numericDate(payload.get("nbf"));
        this.issuedAt = numericDate(payload.get("iat"));
        checkAudienceShape(payload.get("aud"));
        if (header.has("crit")) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
    }

    /**
     * Reads tokens ({@link #read}), keeping the last header it read with its bytes (see {@link #header}): one per
     * verifier. Thread-safe: the kept header is a volatile reference to an immutable value, which any thread may
     * replace.
     */
    static final class Reader {

        /** The last header read that passed. */
        private volatile KeptHeader lastHeader;

        /**
         * {@code token} read strictly.
         *
         * @throws InvalidTokenException {@link Reason#MALFORMED} when it breaks any rule above
         */
        CompactJws read(String token) throws InvalidTokenException {
            // A character that is not ASCII becomes '?', which no segment may hold.
            byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
            int first = indexOfDot(ascii, 0);
            int second = indexOfDot(ascii, first + 1);
            if (first < 0 || second < 0 || indexOfDot(ascii, second + 1) >= 0) {
                throw new InvalidTokenException(Reason.MALFORMED);
            }
            byte[] headerBytes = canonicalBase64Url(ascii, 0, first);
            byte[] payloadBytes = canonicalBase64Url(ascii, first + 1, second);
            byte[] signature = canonicalBase64Url(ascii, second + 1, ascii.length);
            StrictJsonObject header = headerBytes == null ? null : header(headerBytes);
            StrictJsonObject payload = payloadBytes == null ? null : StrictJsonObject.read(payloadBytes);
            if (header == null || payload == null || signature == null) {
                throw new InvalidTokenException(Reason.MALFORMED);
            }
            return new CompactJws(token, ascii, second, header, payload, signature);
        }

        /**
         * The header {@code bytes} hold, as {@link StrictJsonObject#read} gives it: the last header read is kept
         * with its bytes, since most tokens a node sees share one ({@code {"alg":"HS256","typ":"JWT"}}), and the
         * same bytes always read to an equal object, which is immutable (its arrays and objects included), so
         * handing the kept one out again changes nothing. Only a header that passed is kept, of at most
         * {@value CompactJws#MAX_KEPT_HEADER_BYTES} bytes; a header that differs in any byte is read anew.
         */
        private StrictJsonObject header(byte[] bytes) {
            KeptHeader kept = lastHeader;
            if (kept != null && Arrays.equals(kept.bytes, bytes)) {
                return kept.header;
            }
            StrictJsonObject header = StrictJsonObject.read(bytes);
            if (header != null && bytes.length <= MAX_KEPT_HEADER_BYTES) {
                lastHeader = new KeptHeader(bytes, header);
            }
            return header;
        }
    }

    /** A header's bytes (a decoded copy that nothing writes to) and the object they hold. */
    private record KeptHeader(byte[] bytes, StrictJsonObject header) {
    }

    /** The token as it was given. */
    String token() {
        return token;
    }

    /**
     * The token as ASCII bytes, whose first {@link #signingInputLength()} are {@code header.payload}, what the
     * signature covers. Not copied: callers only read it.
     */
    byte[] ascii() {
        return ascii;
    }

    /** How many of {@link #ascii()}'s bytes the signature covers. */
    int signingInputLength() {
        return signingInputEnd;
    }

    /** The decoded signature (empty when the token has none). Not copied: callers only read it. */
    byte[] signature() {
        return signature;
    }

    /** The header's {@code alg} as text (see {@link #headerText}), or {@code null}. */
    String algorithm() {
        return headerText("alg");
    }

    /** The header's {@code kid} as text (see {@link #headerText}), or {@code null}. */
    String keyId() {
        return headerText("kid");
    }

    /** The payload's member {@code name}, or {@code null} when it has none (see {@link StrictJsonObject}). */
    Object claim(String name) {
        return payload.get(name);
    }

    /** {@code exp}, or {@code null} when missing or null. */
    Instant expiresAt() {
        return expiresAt;
    }

    /** {@code nbf}, or {@code null} when missing or null. */
    Instant notBefore() {
        return notBefore;
    }

    /** {@code iat}, or {@code null} when missing or null. */
    Instant issuedAt() {
        return issuedAt;
    }

    /**
     * A header member as the text that picks keys, as java-jwt read it (and the kid a JWKS refresh asks for): a
     * string as it is; {@code null} when missing or null; a number or boolean as its JSON text; an object or array
     * as the empty text. Only a string can name an algorithm, so the others only matter for {@code kid}.
     */
    private String headerText(String name) {
        Object value = header.get(name);
        if (value == null || value == StrictJsonObject.NULL) {
            return null;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return "";
    }

    /**
     * A NumericDate as an instant with the fraction dropped; {@code null} for a missing or null claim.
     *
     * @throws InvalidTokenException {@link Reason#MALFORMED} for anything but a number, or a number beyond what an
     *                               {@link Instant} holds
     */
    private static Instant numericDate(Object value) throws InvalidTokenException {
        if (value == null || value == StrictJsonObject.NULL) {
            return null;
        }
        long seconds;
        if (value instanceof Long whole) {
            seconds = whole;
        } else if (value instanceof Double fractional && fractional >= Long.MIN_VALUE
                && fractional <= Long.MAX_VALUE) {
            seconds = fractional.longValue();
        } else {
            // A string, boolean, container, an integer beyond a long (BigInteger) or a float beyond one.
            throw new InvalidTokenException(Reason.MALFORMED);
        }
        try {
            return Instant.ofEpochSecond(seconds);
        } catch (DateTimeException e) {
            throw new InvalidTokenException(Reason.MALFORMED);
        }
    }

    /**
     * Refuses an {@code aud} array that holds an object or an array: no reading of the claim can give such an
     * item a string's meaning. Whether {@code aud} names the configured audience is {@link ClaimChecks}' part.
     */
    private static void checkAudienceShape(Object aud) throws InvalidTokenException {
        if (aud instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof List<?> || item instanceof Map<?, ?>) {
                    throw new InvalidTokenException(Reason.MALFORMED);
                }
            }
        }
    }

    /** The index of the first '.' in {@code ascii} from {@code from} on, or -1 when there is none. */
    private static int indexOfDot(byte[] ascii, int from) {
        for (int i = from; i < ascii.length; i++) {
            if (ascii[i] == '.') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The bytes of {@code ascii[from, to)} read as canonical unpadded base64url, or null when it is anything else:
     * a character outside {@code [A-Za-z0-9_-]} (so {@code =}, {@code +}, {@code /}, whitespace and anything that was
     * not ASCII), a length that leaves a lone character (4n + 1), or an unused low bit set in the last character
     * (4 of its bits when the length is 4n + 2, 2 when it is 4n + 3; RFC 4648 3.5).
     */
    private static byte[] canonicalBase64Url(byte[] ascii, int from, int to) {
        int length = to - from;
        int tail = length % 4;
        if (tail == 1) {
            return null;
        }
        byte[] out = new byte[length / 4 * 3 + (tail == 0 ? 0 : tail - 1)];
        int bits = 0;
        int pending = 0;
        int written = 0;
        for (int i = from; i < to; i++) {
            int sextet = sextet(ascii[i]);
            if (sextet < 0) {
                return null;
            }
            bits = (bits << 6) | sextet;
            pending += 6;
            if (pending >= 8) {
                pending -= 8;
                out[written++] = (byte) (bits >> pending);
                bits &= (1 << pending) - 1;
            }
        }
        // What is left are the last character's unused bits: a canonical segment has none set.
        return bits == 0 ? out : null;
    }

    /** The 6-bit value of a base64url character, or -1 for any other byte. */
    private static int sextet(byte c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }
}
