package io.crier.protocol;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the server closes a session: the close code and reason that the {@code disconnect} push and the close frame
 * carry, and whether the client should reconnect. Either one of Crier's own {@link CloseCode}s
 * ({@link CloseCode#close()}), or an <b>application code</b> that the backend chose ({@link #app}): 4100-4499
 * (reconnect) or 4600-4999 (do not reconnect), with a reason of 1 to {@value #MAX_APP_REASON_BYTES} characters of
 * {@code [a-z0-9_]}. Crier keeps 4000-4099 and 4500-4599 for its own codes, so that a backend cannot pass for Crier.
 * Immutable; thread-safe.
 *
 * @param code      the close code
 * @param reason    the close frame's reason text
 * @param reconnect whether the client should reconnect (with backoff)
 */
public record Close(int code, String reason, boolean reconnect) {

    /** The longest reason of an application code, in bytes (one per character: the reason is ASCII). */
    public static final int MAX_APP_REASON_BYTES = 32;

    private static final Pattern APP_REASON = Pattern.compile("[a-z0-9_]{1," + MAX_APP_REASON_BYTES + "}");

    /** @throws IllegalArgumentException for an application code whose reason or reconnect flag breaks its rule */
    public Close {
        Objects.requireNonNull(reason, "reason");
        if (isAppCode(code) && (!isAppReason(reason) || reconnect != code < 4500)) {
            throw new IllegalArgumentException("an application close is 4100..4499 (reconnect) or 4600..4999, with a"
                    + " reason of 1 to " + MAX_APP_REASON_BYTES + " characters of a-z 0-9 _");
        }
    }

    /**
     * An application code's close.
     *
     * @throws IllegalArgumentException when {@code code} is not an application code or {@code reason} breaks its rule
     */
    public static Close app(int code, String reason) {
        if (!isAppCode(code)) {
            throw new IllegalArgumentException("an application close code is 4100..4499 or 4600..4999");
        }
        return new Close(code, Objects.requireNonNull(reason, "reason"), code < 4500);
    }

    /** Whether {@code code} is an application close code: 4100-4499 (reconnect) or 4600-4999 (final). */
    public static boolean isAppCode(long code) {
        return (code >= 4100 && code <= 4499) || (code >= 4600 && code <= 4999);
    }

    /** Whether {@code reason} may go with an application code: 1 to 32 characters of {@code [a-z0-9_]}. */
    public static boolean isAppReason(String reason) {
        return reason != null && APP_REASON.matcher(reason).matches();
    }

    /** Whether this close carries an application code (rather than one of Crier's {@link CloseCode}s). */
    public boolean isApp() {
        return isAppCode(code);
    }
}
