package io.crier.gateway.limits;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * <p>Sized for the common case of one connection per user and many per address: a user with one connection maps
 * straight to its lease (a concurrent set only from the second), and a lease shares its address string with the
 * address's entry (one copy per address, not per connection).
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
    private final ConcurrentMap<String, IpCount> perIp = new ConcurrentHashMap<>();
    /** Each user's one {@link Lease}, or a concurrent {@code Set<Lease>} of two or more; changed only in compute. */
    private final ConcurrentMap<String, Object> perUser = new ConcurrentHashMap<>();

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
        IpCount slot = takeIpSlot(ip);
        if (slot == null) {
            connections.decrementAndGet();
            return new Admission(null, Refusal.IP_LIMIT);
        }
        return new Admission(new Lease(slot.ip), null);
    }

    /** Connections admitted and not yet released. */
    public int connections() {
        return connections.get();
    }

    /** Connections of {@code ip} now. */
    public int connectionsOfIp(String ip) {
        IpCount count = perIp.get(ip);
        return count == null ? 0 : count.count;
    }

    /** Connections bound to {@code userId} now. */
    public int connectionsOfUser(String userId) {
        Object leases = perUser.get(userId);
        return leases == null ? 0 : leases instanceof Lease ? 1 : leasesIn(leases).size();
    }

    /**
     * The attachments of type {@code type} of the connections bound to {@code userId} now (a snapshot; a
     * connection that has not attached one yet is left out).
     */
    public <T> List<T> attachments(String userId, Class<T> type) {
        Object leases = perUser.get(userId);
        return leases == null ? List.of() : attachments(leases, type);
    }

    /** The attachments of type {@code type} of every connection bound to a user now (a snapshot). */
    public <T> List<T> attachments(Class<T> type) {
        List<T> all = new ArrayList<>();
        for (Object leases : perUser.values()) {
            all.addAll(attachments(leases, type));
        }
        return all;
    }

    private static <T> List<T> attachments(Object leases, Class<T> type) {
        Collection<Lease> all = leases instanceof Lease one ? List.of(one) : leasesIn(leases);
        List<T> found = new ArrayList<>(all.size());
        for (Lease lease : all) {
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

    /** Takes a slot of {@code ip}: its entry (whose address string the lease keeps), or null at the limit. */
    private IpCount takeIpSlot(String ip) {
        IpCount[] taken = {null};
        perIp.compute(ip, (k, count) -> {
            IpCount held = count == null ? new IpCount(k) : count;
            if (held.count >= maxPerIp) {
                return count;
            }
            held.count++;
            taken[0] = held;
            return held;
        });
        return taken[0];
    }

    private void giveBackIpSlot(String ip) {
        perIp.computeIfPresent(ip, (k, count) -> {
            count.count--;
            return count.count <= 0 ? null : count;
        });
    }

    @SuppressWarnings("unchecked")
    private static Set<Lease> leasesIn(Object leases) {
        return (Set<Lease>) leases;
    }

    private boolean takeUserSlot(String userId, Lease lease) {
        boolean[] taken = {false};
        perUser.compute(userId, (k, leases) -> {
            if (leases == null) {
                taken[0] = true;
                return lease;
            }
            if (leases == lease) {
                return leases;
            }
            Set<Lease> held;
            if (leases instanceof Lease one) {
                // The user's second connection: from now on a set, sized for a few.
                held = ConcurrentHashMap.newKeySet(2);
                held.add(one);
            } else {
                held = leasesIn(leases);
            }
            if (held.size() < maxPerUser) {
                taken[0] = held.add(lease);
            }
            return held.size() == 1 ? held.iterator().next() : held;
        });
        return taken[0];
    }

    private void giveBackUserSlot(String userId, Lease lease) {
        perUser.computeIfPresent(userId, (k, leases) -> {
            if (leases instanceof Lease one) {
                return one == lease ? null : one;
            }
            Set<Lease> held = leasesIn(leases);
            held.remove(lease);
            return held.isEmpty() ? null : held;
        });
    }

    /** The connection count of one address; changed only inside {@code perIp}'s compute, read from any thread. */
    private static final class IpCount {
        private final String ip;
        private volatile int count;

        private IpCount(String ip) {
            this.ip = ip;
        }
    }

    /**
     * The slots one connection holds: a node slot, an IP slot, and a user slot once {@link #bindUser} has
     * named its user. Thread-safe: {@link #release()} may race with {@link #bindUser} (a connection that
     * closes while authenticating) and still leaves every count exact.
     */
    public final class Lease {

        private final String ip;
        /** Written under the lease's lock, read from any thread. */
        private volatile boolean released;
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
            if (released || userId.equals(user)) {
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
            if (released) {
                return;
            }
            released = true;
            if (user != null) {
                giveBackUserSlot(user, this);
                user = null;
            }
            attachment = null;
            giveBackIpSlot(ip);
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
            return released;
        }
    }
}
