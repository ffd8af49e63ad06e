package io.crier.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the revocations in force: what a node checks every connect and refresh against, in memory.
 * {@link #with} gives a new snapshot with one more fact, merged as {@link RevocationStore} merges it.
 *
 * <p>Immutable; thread-safe.
 */
public final class RevocationSet {

    /** What a check of a token found. */
    public enum Verdict {
        /** Nothing against it. */
        NONE,
        /** The token was revoked, or the user's tokens issued before a time were invalidated. */
        REVOKED,
        /** The user is blocked. */
        BLOCKED
    }

    /** No revocations. */
    public static final RevocationSet EMPTY = new RevocationSet(Map.of(), Map.of(), Map.of());

    private final Map<String, Revocation.Token> tokens;
    private final Map<String, Revocation.OlderTokens> olderTokens;
    private final Map<String, Revocation.Block> blocks;

    private RevocationSet(Map<String, Revocation.Token> tokens, Map<String, Revocation.OlderTokens> olderTokens,
                          Map<String, Revocation.Block> blocks) {
        this.tokens = tokens;
        this.olderTokens = olderTokens;
        this.blocks = blocks;
    }

    /** The snapshot of {@code revocations}, merged in order. */
    public static RevocationSet of(List<? extends Revocation> revocations) {
        Map<String, Revocation.Token> tokens = new HashMap<>();
        Map<String, Revocation.OlderTokens> older = new HashMap<>();
        Map<String, Revocation.Block> blocks = new HashMap<>();
        for (Revocation revocation : revocations) {
            merge(revocation, tokens, older, blocks);
        }
        return new RevocationSet(Map.copyOf(tokens), Map.copyOf(older), Map.copyOf(blocks));
    }

    /** This snapshot with {@code revocation} merged in. */
    public RevocationSet with(Revocation revocation) {
        Map<String, Revocation.Token> newTokens = new HashMap<>(tokens);
        Map<String, Revocation.OlderTokens> newOlder = new HashMap<>(olderTokens);
        Map<String, Revocation.Block> newBlocks = new HashMap<>(blocks);
        merge(revocation, newTokens, newOlder, newBlocks);
        return new RevocationSet(Map.copyOf(newTokens), Map.copyOf(newOlder), Map.copyOf(newBlocks));
    }

    /** This snapshot without what is over at {@code now}. */
    public RevocationSet without(Instant now) {
        List<Revocation> live = new ArrayList<>();
        for (Revocation revocation : all()) {
            if (revocation.until().isAfter(now)) {
                live.add(revocation);
            }
        }
        return of(live);
    }

    private static void merge(Revocation revocation, Map<String, Revocation.Token> tokens,
                              Map<String, Revocation.OlderTokens> older, Map<String, Revocation.Block> blocks) {
        if (revocation instanceof Revocation.Token token) {
            tokens.merge(token.tokenId(), token, (kept, added) -> kept.until().isAfter(added.until()) ? kept : added);
        } else if (revocation instanceof Revocation.OlderTokens invalid) {
            older.merge(invalid.user(), invalid, (kept, added) -> new Revocation.OlderTokens(kept.user(),
                    later(kept.issuedBefore(), added.issuedBefore()), later(kept.until(), added.until())));
        } else if (revocation instanceof Revocation.Block block) {
            blocks.put(block.user(), block);
        } else {
            blocks.remove(((Revocation.Unblock) revocation).user());
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * Checks a token at {@code now}: a block of {@code user} wins over a revocation.
     *
     * @param tokenId  the token's {@code jti}, or {@code null}
     * @param issuedAt the token's {@code iat}, or {@code null} (refused by any invalidation of the user's tokens)
     */
    public Verdict check(String user, String tokenId, Instant issuedAt, Instant now) {
        Objects.requireNonNull(user, "user");
        Revocation.Block block = blocks.get(user);
        if (block != null && block.until().isAfter(now)) {
            return Verdict.BLOCKED;
        }
        Revocation.Token token = tokenId == null ? null : tokens.get(tokenId);
        if (token != null && token.until().isAfter(now)) {
            return Verdict.REVOKED;
        }
        Revocation.OlderTokens older = olderTokens.get(user);
        if (older != null && older.until().isAfter(now)
                && (issuedAt == null || issuedAt.isBefore(older.issuedBefore()))) {
            return Verdict.REVOKED;
        }
        return Verdict.NONE;
    }

    /** Every fact of the snapshot (blocks, invalidations, tokens), for stores and tests. */
    public List<Revocation> all() {
        List<Revocation> all = new ArrayList<>(blocks.values());
        all.addAll(olderTokens.values());
        all.addAll(tokens.values());
        return all;
    }

    /** How many facts the snapshot holds. */
    public int size() {
        return tokens.size() + olderTokens.size() + blocks.size();
    }
}
