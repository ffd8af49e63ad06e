package io.crier.gateway.limits;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections of a node, per client IP address and per user, and refuses one more than each
 * limit allows ({@code limits.maxConnections}, {@code limits.maxConnectionsPerIp},
 * {@code limits.maxConnectionsPerUser}). A connection holds a {@link Lease} from {@link #admit} until it
 * closes; {@link Lease#release()} gives every slot back exactly once, however often it is called.
 *
 * <p>Counters are exact under concurrency: the node count moves by compare-and-set, per-key counts by
 * atomic {@code compute} on a concurrent map, and a key whose count reaches zero is removed, so the maps
 * hold only the IPs and users that have connections now (bounded by {@code maxConnections}).
 *
 * <p>Thread-safe; one instance per node.
 */
public final class ConnectionLimiter {

    /** Why a connection was refused. */
    public enum Refusal {
        /** The node holds {@code limits.maxConnections} connections. */
        NODE_FULL,
        /** The client IP address holds {@code limits.maxConnectionsPerIp} connections. */
        IP_LIMIT,
        /** The user holds {@code limits.maxConnectionsPerUser} connections. */
        USER_LIMIT
    }

    /** The outcome of {@link #admit}: a lease, or the refusal. */
    public record Admission(Lease lease, Refusal refusal) {

        /** Whether the connection was admitted (then {@link #lease()} is set). */
        public boolean admitted() {
            return lease != null;
        }
    }

    private final int maxConnections;
    private final int maxPerIp;
    private final int maxPerUser;
    private final AtomicInteger connections = new AtomicInteger();
    private final ConcurrentMap<String, Integer> perIp = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> perUser = new ConcurrentHashMap<>();

    public ConnectionLimiter(int maxConnections, int maxPerIp, int maxPerUser) {
        if (maxConnections < 1 || maxPerIp < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("every connection limit must be at least 1");
        }
        this.maxConnections = maxConnections;
        this.maxPerIp = maxPerIp;
        this.maxPerUser = maxPerUser;
    }

    /** Takes a node slot and a slot of {@code ip}, or takes nothing and says which limit is reached. */
    public Admission admit(String ip) {
        Objects.requireNonNull(ip, "ip");
        if (!takeNodeSlot()) {
            return new Admission(null, Refusal.NODE_FULL);
        }
        if (!take(perIp, ip, maxPerIp)) {
            connections.decrementAndGet();
            return new Admission(null, Refusal.IP_LIMIT);
        }
        return new Admission(new Lease(ip), null);
    }

    /** Connections admitted and not yet released. */
    public int connections() {
        return connections.get();
    }

    /** Connections of {@code ip} now. */
    public int connectionsOfIp(String ip) {
        return perIp.getOrDefault(ip, 0);
    }

    /** Connections bound to {@code userId} now. */
    public int connectionsOfUser(String userId) {
        return perUser.getOrDefault(userId, 0);
    }

    /** Distinct IP addresses with connections now. */
    public int trackedIps() {
        return perIp.size();
    }

    /** Distinct users with connections now. */
    public int trackedUsers() {
        return perUser.size();
    }

    private boolean takeNodeSlot() {
        while (true) {
            int now = connections.get();
            if (now >= maxConnections) {
                return false;
            }
            if (connections.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private static boolean take(ConcurrentMap<String, Integer> counts, String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            if (now >= max) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private static void giveBack(ConcurrentMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    /**
     * The slots one connection holds: a node slot, an IP slot, and a user slot once {@link #bindUser} has
     * named its user. Thread-safe: {@link #release()} may race with {@link #bindUser} (a connection that
     * closes while authenticating) and still leaves every count exact.
     */
    public final class Lease {

        private final String ip;
        private final AtomicBoolean released = new AtomicBoolean();
        private String user;

        private Lease(String ip) {
            this.ip = ip;
        }

        /** The client IP address this lease counts against. */
        public String ip() {
            return ip;
        }

        /**
         * Counts this connection against {@code userId}. Binding the user already bound is a no-op; binding
         * another user moves the slot (taken for the new user before the old one is given back).
         *
         * @return whether the connection may stay ({@code false}: the user's limit is reached, nothing
         *         changed)
         */
        public synchronized boolean bindUser(String userId) {
            Objects.requireNonNull(userId, "userId");
            if (released.get() || userId.equals(user)) {
                return true;
            }
            if (!take(perUser, userId, maxPerUser)) {
                return false;
            }
            if (user != null) {
                giveBack(perUser, user);
            }
            user = userId;
            return true;
        }

        /** Gives back every slot of this lease; only the first call counts. */
        public synchronized void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            if (user != null) {
                giveBack(perUser, user);
                user = null;
            }
            giveBack(perIp, ip);
            connections.decrementAndGet();
        }

        /** Whether {@link #release()} has been called. */
        public boolean released() {
            return released.get();
        }
    }
}
