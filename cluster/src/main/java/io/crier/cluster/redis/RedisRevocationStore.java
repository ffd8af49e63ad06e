package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.Revocation;
import io.crier.cluster.RevocationSet;
import io.crier.cluster.RevocationStore;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link RevocationStore} of a fleet, in Redis: three hashes under one hash tag, so that they live in one
 * slot of a Redis Cluster and one script reads them all: {@code {crier.revocations}:tokens} (jti),
 * {@code {crier.revocations}:users} (user: older tokens invalid) and {@code {crier.revocations}:blocks} (user),
 * for the prefix {@code crier:}. Each value is {@code "<millis>,<untilMillis>"} ({@link RevocationScript}); each
 * hash expires ({@code PEXPIREAT}) at its latest fact's end, and every {@link #load} drops the facts that are
 * over, so nothing outlives the longest token lifetime. Every write is one script, so concurrent writers merge
 * (the later time wins) rather than overwrite.
 *
 * <p>Connects at construction, in the background; until connected, and while Redis is down, every operation fails
 * at once with {@link BrokerUnavailableException}.
 *
 * <p>Thread-safe; stages complete on Lettuce's threads. Do not call {@link #close()} from one.
 */
public final class RedisRevocationStore implements RevocationStore {

    private final String[] keys;
    private final AtomicLong malformed = new AtomicLong();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile CommandConnection connection;
    private volatile boolean closed;

    /** A store on the node's {@code link} (its {@code prefix} names the keys). */
    public RedisRevocationStore(RedisLink link) {
        Objects.requireNonNull(link, "link");
        String tag = "{" + RedisControlChannel.base(link.config().prefix()) + ".revocations}";
        this.keys = new String[] {tag + ":tokens", tag + ":users", tag + ":blocks"};
        link.openCommands("revocations", opened -> {
            connection = opened;
            connected.complete(null);
        }, error -> { }, () -> closed);
    }

    /** Completes once the connection is open (operations fail until then). */
    public CompletionStage<Void> connected() {
        return connected.copy();
    }

    /** The three hashes: tokens, users' older tokens, blocks. */
    List<String> keys() {
        return List.of(keys);
    }

    /** How many stored values could not be read (written by something else than this store); dropped. */
    public long malformedEntries() {
        return malformed.get();
    }

    @Override
    public CompletionStage<Void> apply(Revocation revocation, Instant now) {
        Objects.requireNonNull(revocation, "revocation");
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the revocation store is closed"));
        }
        if (revocation instanceof Revocation.Unblock unblock) {
            return RedisLink.call(connection, "unblock", redis -> redis.hdel(keys[2], unblock.user()))
                    .thenApply(ignored -> null);
        }
        if (!revocation.until().isAfter(now)) {
            return CompletableFuture.completedFuture(null);
        }
        String key;
        String field;
        Instant time;
        String mode = "max";
        if (revocation instanceof Revocation.Token token) {
            key = keys[0];
            field = token.tokenId();
            time = token.until();
        } else if (revocation instanceof Revocation.OlderTokens older) {
            key = keys[1];
            field = older.user();
            time = older.issuedBefore();
        } else {
            key = keys[2];
            field = ((Revocation.Block) revocation).user();
            time = revocation.until();
            mode = "set";
        }
        byte[][] args = {text(field), text(Long.toString(time.toEpochMilli())),
                text(Long.toString(revocation.until().toEpochMilli())), text(mode)};
        return RedisLink.call(connection, "revocation write", redis -> RevocationScript.WRITE.<Long>run(redis,
                ScriptOutputType.INTEGER, new String[] {key}, args)).thenApply(ignored -> null);
    }

    @Override
    public CompletionStage<RevocationSet> load(Instant now) {
        if (closed) {
            return CompletableFuture.failedFuture(new BrokerUnavailableException("the revocation store is closed"));
        }
        return RedisLink.call(connection, "revocation load", redis -> RevocationScript.LOAD.<List<Object>>run(redis,
                ScriptOutputType.MULTI, keys, text(Long.toString(now.toEpochMilli())))).thenApply(this::decode);
    }

    @Override
    public void close() {
        closed = true;
        CommandConnection open = connection;
        if (open != null) {
            open.close();
        }
    }

    @SuppressWarnings("unchecked")
    private RevocationSet decode(List<Object> hashes) {
        List<Revocation> revocations = new ArrayList<>();
        for (int kind = 0; kind < hashes.size(); kind++) {
            List<Object> flat = (List<Object>) hashes.get(kind);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                Revocation revocation = decode(kind, utf8(flat.get(i)), utf8(flat.get(i + 1)));
                if (revocation != null) {
                    revocations.add(revocation);
                }
            }
        }
        return RevocationSet.of(revocations);
    }

    private Revocation decode(int kind, String field, String value) {
        int comma = value.indexOf(',');
        try {
            Instant time = Instant.ofEpochMilli(Long.parseLong(value.substring(0, comma)));
            Instant until = Instant.ofEpochMilli(Long.parseLong(value.substring(comma + 1)));
            return switch (kind) {
                case 0 -> new Revocation.Token(field, until);
                case 1 -> new Revocation.OlderTokens(field, time, until);
                default -> new Revocation.Block(field, until);
            };
        } catch (RuntimeException e) {
            // The script drops what it cannot read; this is a value it could read and Java cannot (out of range).
            malformed.incrementAndGet();
            return null;
        }
    }

    private static String utf8(Object value) {
        return new String((byte[]) value, StandardCharsets.UTF_8);
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
