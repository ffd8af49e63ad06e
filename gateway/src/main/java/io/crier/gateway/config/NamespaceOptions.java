package io.crier.gateway.config;

import java.util.Set;

/**
 * The permission options of one topic namespace (the part of a topic before its first {@code :}), checked
 * together with the {@code subscribe}/{@code publish} claims of the session's token. Immutable and
 * thread-safe.
 *
 * @param anonymousSubscribe whether anonymous sessions may subscribe to topics of this namespace
 * @param clientPublish      whether clients may publish here; {@code false} means no client may, whatever
 *                           its claims (backends publishing through the broker still can)
 * @param personal           whether the namespace holds personal topics: in namespace {@code N}, topic
 *                           {@code N:<x>} may be subscribed only by the user whose {@code sub} is {@code x}
 *                           (for example {@code user:alice} only by alice)
 */
public record NamespaceOptions(boolean anonymousSubscribe, boolean clientPublish, boolean personal) {

    /** The option names, as they appear in {@code namespace.<name>.<option>} keys. */
    public static final Set<String> OPTIONS = Set.of("anonymousSubscribe", "clientPublish", "personal");
}
