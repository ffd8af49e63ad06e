package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crier.cluster.RevocationSet.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link RevocationStore} contract, run against every implementation: one subclass per store provides a new,
 * empty store ({@link #newStore()}); the tests pass "now" themselves (the real time, so that Redis' key expiry
 * agrees), so no clock needs to move.
 */
public abstract class RevocationStoreContract {

    private static final Duration HOUR = Duration.ofHours(1);

    private RevocationStore store;
    private Instant now;

    /** A new, empty store, ready to use; the suite closes it. */
    protected abstract RevocationStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
        now = Instant.ofEpochMilli(System.currentTimeMillis());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aRevokedTokenIsRefusedUntilItsEndAndOthersAreNot() throws Exception {
        complete(store.apply(new Revocation.Token("jti-1", now.plus(HOUR)), now));

        RevocationSet loaded = complete(store.load(now));

        assertEquals(Verdict.REVOKED, loaded.check("alice", "jti-1", now, now));
        assertEquals(Verdict.NONE, loaded.check("alice", "jti-2", now, now));
        assertEquals(Verdict.NONE, loaded.check("alice", null, now, now));
        assertEquals(Verdict.NONE, loaded.check("alice", "jti-1", now, now.plus(HOUR)));
    }

    @Test
    void invalidatingRefusesOlderTokensAndTokensWithoutIatButNotNewerOnes() throws Exception {
        Instant cut = now.minusSeconds(10);
        complete(store.apply(new Revocation.OlderTokens("bob", cut, now.plus(HOUR)), now));

        RevocationSet loaded = complete(store.load(now));

        assertEquals(Verdict.REVOKED, loaded.check("bob", null, cut.minusSeconds(1), now));
        assertEquals(Verdict.REVOKED, loaded.check("bob", "any", null, now));
        assertEquals(Verdict.NONE, loaded.check("bob", null, cut, now));
        assertEquals(Verdict.NONE, loaded.check("carol", null, cut.minusSeconds(1), now));
    }

    @Test
    void invalidatingTwiceKeepsTheLaterTimeWhateverTheOrder() throws Exception {
        Instant early = now.minusSeconds(100);
        Instant late = now.minusSeconds(10);
        complete(store.apply(new Revocation.OlderTokens("bob", late, now.plus(HOUR)), now));
        complete(store.apply(new Revocation.OlderTokens("bob", early, now.plus(HOUR)), now));
        complete(store.apply(new Revocation.OlderTokens("bob", late, now.plus(HOUR)), now));

        RevocationSet loaded = complete(store.load(now));

        assertEquals(Verdict.REVOKED, loaded.check("bob", null, late.minusSeconds(1), now));
        assertEquals(1, loaded.size());
    }

    @Test
    void aBlockLastsUntilItsEndOrAnUnblock() throws Exception {
        complete(store.apply(new Revocation.Block("mallory", now.plus(HOUR)), now));
        assertEquals(Verdict.BLOCKED, complete(store.load(now)).check("mallory", null, now, now));
        assertEquals(Verdict.NONE, complete(store.load(now)).check("mallory", null, now, now.plus(HOUR)));

        complete(store.apply(new Revocation.Unblock("mallory", now), now));
        complete(store.apply(new Revocation.Unblock("mallory", now), now));

        assertEquals(Verdict.NONE, complete(store.load(now)).check("mallory", null, now, now));
    }

    @Test
    void aNewerBlockReplacesTheOldOne() throws Exception {
        complete(store.apply(new Revocation.Block("mallory", now.plus(HOUR)), now));
        complete(store.apply(new Revocation.Block("mallory", now.plusSeconds(60)), now));

        RevocationSet loaded = complete(store.load(now));

        assertEquals(Verdict.BLOCKED, loaded.check("mallory", null, now, now.plusSeconds(59)));
        assertEquals(Verdict.NONE, loaded.check("mallory", null, now, now.plusSeconds(61)));
    }

    @Test
    void whatIsOverIsNeitherKeptNorLoaded() throws Exception {
        complete(store.apply(new Revocation.Token("old", now.minusSeconds(1)), now));
        complete(store.apply(new Revocation.Token("soon", now.plusSeconds(30)), now));

        assertEquals(1, complete(store.load(now)).size());
        assertEquals(0, complete(store.load(now.plusSeconds(31))).size());
    }

    @Test
    void namesWithAnyCharacterAreKeptExactly() throws Exception {
        String odd = "a,b\n{c}:\u00e9\u0000";
        complete(store.apply(new Revocation.Block(odd, now.plus(HOUR)), now));
        complete(store.apply(new Revocation.Token(odd, now.plus(HOUR)), now));

        RevocationSet loaded = complete(store.load(now));

        assertEquals(Verdict.BLOCKED, loaded.check(odd, null, now, now));
        assertEquals(Verdict.REVOKED, loaded.check("x", odd, now, now));
    }

    protected static <T> T complete(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
