package io.crier.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.gateway.auth.User;
import io.crier.protocol.HookResponse;
import io.crier.protocol.RawJson;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The user a connect hook's result describes. */
class HookUsersTest {

    @Test
    void theResultsFieldsBecomeTheUsersClaimsExpiryInfoAndServerSideSubscriptions() {
        User user = HookUsers.user(new HookResponse.Result("42", Instant.ofEpochSecond(1_893_456_000L),
                RawJson.trusted("{\"name\":\"Ada\"}"), List.of("user:42"), List.of("chat:*"), List.of("chat:lobby"),
                null));
        assertEquals("42", user.id());
        assertEquals(Instant.ofEpochSecond(1_893_456_000L), user.expiresAt());
        assertEquals(RawJson.trusted("{\"name\":\"Ada\"}"), user.info());
        assertEquals(List.of("user:42"), user.topics());
        assertTrue(user.subscribe().allows("chat:room"));
        assertTrue(user.publish().allows("chat:lobby"));
        assertFalse(user.publish().allows("chat:room"));
        assertNull(user.tokenId());
    }

    @Test
    void withoutExpireAtTheSessionNeverExpires() {
        User user = HookUsers.user(new HookResponse.Result("42", null, null, List.of(), List.of(), List.of(), null));
        assertEquals(Instant.MAX, user.expiresAt());
        assertFalse(user.subscribe().allows("anything"));
    }
}
