package io.crier.gateway.permission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.TopicPatterns;
import io.crier.gateway.auth.User;
import io.crier.gateway.config.NamespaceOptions;
import io.crier.gateway.config.NamespacesConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every row of the permission table in PROTOCOL.md, one branch per test. */
class TopicPolicyTest {

    private static final NamespacesConfig NAMESPACES = new NamespacesConfig(
            new NamespaceOptions(false, true, false),
            Map.of("news", new NamespaceOptions(true, false, false),
                    "user", new NamespaceOptions(true, true, true),
                    "inbox", new NamespaceOptions(false, false, true),
                    "open", new NamespaceOptions(true, true, false)));

    private final TopicPolicy policy = new TopicPolicy(NAMESPACES);

    private static final User ALICE = user("alice", List.of("chat:*", "news:*", "user:*", "open:*"),
            List.of("chat:*", "news:*", "user:*", "open:*"));
    private static final User NO_CLAIMS = user("nobody", List.of(), List.of());
    private static final User ANONYMOUS = User.ANONYMOUS;

    // subscribe

    @Test
    void anAnonymousSessionMaySubscribeWhereTheNamespaceAllowsAnonymousSubscribers() {
        assertEquals(Verdict.ALLOWED_ANONYMOUS, policy.subscribe(ANONYMOUS, "news:today"));
    }

    @Test
    void anAnonymousSessionMayNotSubscribeElsewhere() {
        assertEquals(Verdict.DENIED_ANONYMOUS, policy.subscribe(ANONYMOUS, "chat:lobby"));
        assertEquals(Verdict.DENIED_ANONYMOUS, policy.subscribe(ANONYMOUS, "plain"));
    }

    @Test
    void anAnonymousSessionMayNotSubscribeToAPersonalTopicEvenWithAnonymousSubscribe() {
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ANONYMOUS, "user:"));
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ANONYMOUS, "user:alice"));
    }

    @Test
    void theOwnerMaySubscribeToItsPersonalTopicWithoutAClaim() {
        assertEquals(Verdict.ALLOWED_OWNER, policy.subscribe(NO_CLAIMS, "user:nobody"));
        assertEquals(Verdict.ALLOWED_OWNER, policy.subscribe(NO_CLAIMS, "inbox:nobody"));
    }

    @Test
    void noClaimGrantsAnotherUsersPersonalTopic() {
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ALICE, "user:bob"));
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ALICE, "user:alice2"));
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ALICE, "user:"));
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(ALICE, "user:xalice"));
    }

    @Test
    void theOwnerPartIsEverythingAfterTheFirstColon() {
        User colon = user("team:7", List.of(), List.of());

        assertEquals(Verdict.ALLOWED_OWNER, policy.subscribe(colon, "user:team:7"));
        assertEquals(Verdict.DENIED_PERSONAL, policy.subscribe(colon, "user:7"));
    }

    @Test
    void aMatchingSubscribeClaimAllowsATopicOutsidePersonalNamespaces() {
        assertEquals(Verdict.ALLOWED_BY_CLAIM, policy.subscribe(ALICE, "chat:lobby"));
        assertEquals(Verdict.ALLOWED_BY_CLAIM, policy.subscribe(ALICE, "news:today"));
    }

    @Test
    void anAuthenticatedUserWithoutAMatchingClaimIsDeniedEvenWhereAnonymousSessionsMaySubscribe() {
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.subscribe(NO_CLAIMS, "chat:lobby"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.subscribe(NO_CLAIMS, "news:today"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.subscribe(ALICE, "plain"));
    }

    @Test
    void whenTheDefaultsArePersonalATopicWithoutAColonBelongsToNoOne() {
        TopicPolicy allPersonal = new TopicPolicy(new NamespacesConfig(new NamespaceOptions(true, true, true)));

        assertEquals(Verdict.DENIED_PERSONAL, allPersonal.subscribe(user("alice", List.of("*"), List.of("*")),
                "alice"));
        assertEquals(Verdict.ALLOWED_OWNER, allPersonal.subscribe(NO_CLAIMS, "anything:nobody"));
    }

    // publish

    @Test
    void noClientMayPublishWhereClientPublishIsOff() {
        assertEquals(Verdict.DENIED_CLIENT_PUBLISH, policy.publish(ALICE, "news:today"));
        assertEquals(Verdict.DENIED_CLIENT_PUBLISH, policy.publish(ANONYMOUS, "news:today"));
        assertEquals(Verdict.DENIED_CLIENT_PUBLISH, policy.publish(NO_CLAIMS, "inbox:nobody"));
    }

    @Test
    void anAnonymousSessionNeverPublishes() {
        assertEquals(Verdict.DENIED_ANONYMOUS, policy.publish(ANONYMOUS, "open:room"));
        assertEquals(Verdict.DENIED_ANONYMOUS, policy.publish(ANONYMOUS, "user:alice"));
    }

    @Test
    void noClaimLetsAUserPublishToAnotherUsersPersonalTopic() {
        assertEquals(Verdict.DENIED_PERSONAL, policy.publish(ALICE, "user:bob"));
    }

    @Test
    void theOwnerPublishesToItsPersonalTopicOnlyWithAMatchingPublishClaim() {
        assertEquals(Verdict.ALLOWED_BY_CLAIM, policy.publish(ALICE, "user:alice"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.publish(NO_CLAIMS, "user:nobody"));
    }

    @Test
    void elsewhereThePublishClaimDecides() {
        assertEquals(Verdict.ALLOWED_BY_CLAIM, policy.publish(ALICE, "chat:lobby"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.publish(ALICE, "plain"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.publish(NO_CLAIMS, "open:room"));
    }

    @Test
    void theSubscribeClaimDoesNotGrantPublishing() {
        User reader = user("reader", List.of("chat:*"), List.of());

        assertEquals(Verdict.ALLOWED_BY_CLAIM, policy.subscribe(reader, "chat:lobby"));
        assertEquals(Verdict.DENIED_NO_CLAIM, policy.publish(reader, "chat:lobby"));
    }

    // verdicts

    @Test
    void onlyAllowingVerdictsAreAllowedAndEveryDenialHasAFixedMessage() {
        for (Verdict verdict : Verdict.values()) {
            boolean allowing = verdict.name().startsWith("ALLOWED_");
            assertEquals(allowing, verdict.allowed(), verdict.name());
            if (allowing) {
                assertNull(verdict.message(), verdict.name());
            } else {
                assertFalse(verdict.message().isBlank(), verdict.name());
            }
        }
        assertTrue(Verdict.DENIED_PERSONAL.message().length() < 60);
    }

    private static User user(String id, List<String> subscribe, List<String> publish) {
        return new User(id, TopicPatterns.of(subscribe), TopicPatterns.of(publish),
                Instant.parse("2031-01-01T00:00:00Z"));
    }
}
