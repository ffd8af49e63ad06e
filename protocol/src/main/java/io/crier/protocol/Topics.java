package io.crier.protocol;

/**
 * The topic-name rules: 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9 _ - . : @ =}. The
 * part before the first {@code :} is the topic's namespace. Stateless and thread-safe.
 */
public final class Topics {

    /** The longest topic name, in characters. */
    public static final int MAX_LENGTH = 200;

    private Topics() {
    }

    /** Whether {@code topic} is a valid topic name. */
    public static boolean isValid(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            if (!isTopicChar(topic.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code topic} when it is valid; throws {@link IllegalArgumentException} otherwise. */
    public static String requireValid(String topic) {
        if (!isValid(topic)) {
            throw new IllegalArgumentException("invalid topic name");
        }
        return topic;
    }

    /** The namespace: the part before the first {@code :}, or the empty string when there is none. */
    public static String namespace(String topic) {
        int colon = topic.indexOf(':');
        return colon < 0 ? "" : topic.substring(0, colon);
    }

    /** Whether {@code c} may appear in a topic name. */
    public static boolean isTopicChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == ':' || c == '@' || c == '=';
    }
}
