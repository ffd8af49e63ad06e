package io.crier.gateway.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
 * hold only the IPs and users that have connections now (bounded by {@code maxConnections}). Per user it keeps
 * the leases themselves, so that it is also the node's one index of live connections by user: each lease may
 * carry an attachment (the transport attaches the connection's open session), which {@link #attachments} lists
 * for the server API's actions on a user.
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
    private final ConcurrentMap<String, Set<Lease>> perUser = new ConcurrentHashMap<>();

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
        Set<Lease> leases = perUser.get(userId);
        return leases == null ? 0 : leases.size();
    }

    /**
     * The attachments of type {@code type} of the connections bound to {@code userId} now (a snapshot; a
     * connection that has not attached one yet is left out).
     */
    public <T> List<T> attachments(String userId, Class<T> type) {
        Set<Lease> leases = perUser.get(userId);
        return leases == null ? List.of() : attachments(leases, type);
    }

    /** The attachments of type {@code type} of every connection bound to a user now (a snapshot). */
    public <T> List<T> attachments(Class<T> type) {
        List<T> all = new ArrayList<>();
        for (Set<Lease> leases : perUser.values()) {
            all.addAll(attachments(leases, type));
        }
        return all;
    }

    private static <T> List<T> attachments(Set<Lease> leases, Class<T> type) {
        List<T> found = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            Object attachment = lease.attachment;
            if (type.isInstance(attachment)) {
                found.add(type.cast(attachment));
            }
        }
        return found;
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

    private boolean takeUserSlot(String userId, Lease lease) {
        boolean[] taken = {false};
        perUser.compute(userId, (k, leases) -> {
            // Sized for one or two connections (most users' count): the default table of 16 costs 48 bytes more.
            Set<Lease> held = leases == null ? ConcurrentHashMap.newKeySet(2) : leases;
            if (held.size() < maxPerUser) {
                taken[0] = held.add(lease);
            }
            return held.isEmpty() ? null : held;
        });
        return taken[0];
    }

    private void giveBackUserSlot(String userId, Lease lease) {
        perUser.computeIfPresent(userId, (k, leases) -> {
            leases.remove(lease);
            return leases.isEmpty() ? null : leases;
        });
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
        private volatile Object attachment;

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
            if (!takeUserSlot(userId, this)) {
                return false;
            }
            if (user != null) {
                giveBackUserSlot(user, this);
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
                giveBackUserSlot(user, this);
                user = null;
            }
            attachment = null;
            giveBack(perIp, ip);
            connections.decrementAndGet();
        }

        /**
         * Attaches {@code value} to this connection (the transport attaches its open session), listed by
         * {@link #attachments} while the lease is bound to a user and not released.
         */
        public void attach(Object value) {
            attachment = Objects.requireNonNull(value, "value");
        }

        /** Whether {@link #release()} has been called. */
        public boolean released() {
            return released.get();
        }
    }
}
