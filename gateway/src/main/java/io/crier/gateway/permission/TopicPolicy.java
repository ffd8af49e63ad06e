package io.crier.gateway.permission;

import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import io.crier.protocol.Topics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a user may subscribe or publish to a topic, combining the user's claims with the options
 * of the topic's namespace. The rules, in the order they are checked:
 * <pre>
 * subscribe  personal namespace N   topic N:x allowed iff the user is not anonymous and x equals its sub
 *                                   (claims cannot grant another user's personal topic; the owner needs none)
 *            anonymous session      allowed iff the namespace has anonymousSubscribe
 *            otherwise              the subscribe claim must match
 * publish    clientPublish = false  denied to everyone (backends still publish through the broker)
 *            anonymous session      denied
 *            personal namespace N   topic N:x denied unless x equals the user's sub
 *            otherwise              the publish claim must match (for the owner's own topic too)
 * </pre>
 * In a personal namespace a topic without an owner part (only possible when the defaults are personal and
 * the topic has no {@code :}) belongs to no one and is denied to every client.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicPolicy {

    private final NamespacesConfig namespaces;
    /** The personal namespaces with {@code autoSubscribe}, in configuration order: most nodes have none. */
    private final List<String> autoSubscribed;

    public TopicPolicy(NamespacesConfig namespaces) {
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        List<String> names = new ArrayList<>();
        namespaces.byName().forEach((name, options) -> {
            if (options.personal() && options.autoSubscribe()) {
                names.add(name);
            }
        });
        this.autoSubscribed = List.copyOf(names);
    }

    /** Whether {@code user} may subscribe to {@code topic}, and by which rule. */
    public Verdict subscribe(User user, String topic) {
        NamespaceOptions options = namespaces.optionsFor(topic);
        if (options.personal()) {
            return isOwner(user, topic) ? Verdict.ALLOWED_OWNER : Verdict.DENIED_PERSONAL;
        }
        if (user.isAnonymous()) {
            return options.anonymousSubscribe() ? Verdict.ALLOWED_ANONYMOUS : Verdict.DENIED_ANONYMOUS;
        }
        return user.subscribe().allows(topic) ? Verdict.ALLOWED_BY_CLAIM : Verdict.DENIED_NO_CLAIM;
    }

    /** Whether {@code user} may publish to {@code topic}, and by which rule. */
    public Verdict publish(User user, String topic) {
        NamespaceOptions options = namespaces.optionsFor(topic);
        if (!options.clientPublish()) {
            return Verdict.DENIED_CLIENT_PUBLISH;
        }
        if (user.isAnonymous()) {
            return Verdict.DENIED_ANONYMOUS;
        }
        if (options.personal() && !isOwner(user, topic)) {
            return Verdict.DENIED_PERSONAL;
        }
        return user.publish().allows(topic) ? Verdict.ALLOWED_BY_CLAIM : Verdict.DENIED_NO_CLAIM;
    }

    /**
     * The server-side subscriptions of a session of {@code user}: its {@code topics} (the token's claim, or the
     * connect hook's answer), then {@code <N>:<sub>} for each personal namespace {@code N} with
     * {@code autoSubscribe} (none for an anonymous session, or a {@code sub} that makes no valid topic), each once.
     * No permission rule applies to them (the backend chose them); the session's topic limit does.
     */
    public List<String> serverTopics(User user) {
        List<String> namespaces = user.isAnonymous() ? List.of() : autoSubscribed;
        if (namespaces.isEmpty() && user.topics().isEmpty()) {
            return List.of(); // most sessions: nothing to build
        }
        Set<String> topics = new LinkedHashSet<>(user.topics());
        for (String name : namespaces) {
            String own = name + ":" + user.id();
            if (Topics.isValid(own)) {
                topics.add(own);
            }
        }
        return List.copyOf(topics);
    }

    /** Whether {@code topic} is {@code <namespace>:<user's sub>}; an anonymous user owns nothing. */
    private static boolean isOwner(User user, String topic) {
        int colon = topic.indexOf(':');
        return !user.isAnonymous() && colon >= 0
                && topic.length() - colon - 1 == user.id().length()
                && topic.endsWith(user.id());
    }
}
