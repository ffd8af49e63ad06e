package io.crier.protocol;

/**
 * The one rule for a user id, wherever one comes from: a token's {@code sub} (and its {@code jti}, which the server
 * API names the same way), the connect hook's {@code result.user}, the server API's {@code user} and {@code jti}.
 * A user id travels on to places Crier does not escape ({@code welcome}, presence lists, backends and their logs),
 * so no identity provider's id may hold a character that breaks a line or a JSON reader there. Stateless;
 * thread-safe.
 */
public final class UserIds {

    /** The longest user id, in characters (UTF-16 code units). */
    public static final int MAX_LENGTH = 256;

    private UserIds() {
    }

    /**
     * Whether {@code id} is a valid user id: 1 to {@value #MAX_LENGTH} characters, not all blank, with no control
     * character (C0, DEL, C1), no line or paragraph separator (U+2028, U+2029) and no unpaired surrogate.
     */
    public static boolean isValid(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return false;
            }
        }
        return !Utf8.hasUnpairedSurrogate(id);
    }
}
