package io.crier.cluster.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The subscription state of a {@link RedisShardedBroker}, and its only owner: the topics the broker wants, the
 * node whose confirmed subscription delivers each one (its placement), the subscriptions sent and not yet
 * confirmed, and the topics that lost their placement while wanted (reported as restored once placed again).
 * Every change happens under one lock, in the order Redis' replies arrive; no method calls out while holding it.
 *
 * <p>Thread-safe. {@link #delivers} takes no lock: it runs for every message.
 */
final class ShardPlacements {

    /** What a confirmed subscription means (see {@link #confirm}). */
    record Confirmation(boolean unwanted, boolean restored, NodeSubscriber previous) {
    }

    private final Object lock = new Object();
    private final Set<String> wanted = new HashSet<>();
    /** Read without the lock on delivery. */
    private final Map<String, NodeSubscriber> placement = new ConcurrentHashMap<>();
    private final Map<String, NodeSubscriber> pending = new HashMap<>();
    private final Set<String> broken = new HashSet<>();

    /** The broker wants {@code topic} from now on. */
    void want(String topic) {
        synchronized (lock) {
            wanted.add(topic);
        }
    }

    /**
     * The broker gives {@code topic} up: returns the node whose subscription delivered it, which should drop it,
     * or {@code null}. Publications on it are not delivered from this call on.
     */
    NodeSubscriber giveUp(String topic) {
        synchronized (lock) {
            if (!wanted.remove(topic)) {
                return null;
            }
            broken.remove(topic);
            pending.remove(topic);
            return placement.remove(topic);
        }
    }

    /** Marks those of {@code topics} that are still wanted as subscribed at {@code node}, and returns them. */
    List<String> pend(NodeSubscriber node, List<String> topics) {
        synchronized (lock) {
            List<String> still = new ArrayList<>(topics.size());
            for (String topic : topics) {
                if (wanted.contains(topic)) {
                    pending.put(topic, node);
                    still.add(topic);
                }
            }
            return still;
        }
    }

    /** The subscription of {@code topics} at {@code node} failed: they wait for no confirmation there. */
    void unpend(NodeSubscriber node, List<String> topics) {
        synchronized (lock) {
            topics.forEach(topic -> pending.remove(topic, node));
        }
    }

    /**
     * {@code node} confirmed its subscription to {@code topic}. If the topic is still wanted and was sent there,
     * it is placed there: the previous placement (another node, to drop it) and whether the topic's subscription
     * was broken or moved (so that what was published meanwhile must be repaired) are returned. Else the
     * confirmation is {@code unwanted} when this node does not deliver the topic (drop it there).
     */
    Confirmation confirm(NodeSubscriber node, String topic) {
        synchronized (lock) {
            if (!wanted.contains(topic) || pending.get(topic) != node) {
                return new Confirmation(placement.get(topic) != node, false, null);
            }
            pending.remove(topic);
            NodeSubscriber previous = placement.put(topic, node);
            boolean moved = previous != null && previous != node;
            return new Confirmation(false, broken.remove(topic) || moved, moved ? previous : null);
        }
    }

    /**
     * Redis dropped {@code node}'s subscription to {@code topic}. True when the topic was placed there, so that it
     * needs a new placement (a slot that moved away); false for one the broker asked to drop.
     */
    boolean drop(NodeSubscriber node, String topic) {
        synchronized (lock) {
            if (!placement.remove(topic, node)) {
                return false;
            }
            if (wanted.contains(topic)) {
                broken.add(topic);
            }
            return true;
        }
    }

    /** {@code node}'s connection is gone: its topics lose their placement. Returns how many. */
    int lose(NodeSubscriber node) {
        synchronized (lock) {
            int lost = 0;
            for (Map.Entry<String, NodeSubscriber> entry : placement.entrySet()) {
                if (entry.getValue() == node && placement.remove(entry.getKey(), node)) {
                    broken.add(entry.getKey());
                    lost++;
                }
            }
            pending.values().removeIf(waiting -> waiting == node);
            return lost;
        }
    }

    /** Whether {@code node} delivers {@code topic}: only the placed node does, so none delivers twice. */
    boolean delivers(NodeSubscriber node, String topic) {
        return placement.get(topic) == node;
    }

    /** The node whose subscription delivers {@code topic} now, or {@code null}. */
    NodeSubscriber placementOf(String topic) {
        return placement.get(topic);
    }

    /**
     * The wanted topics that wait for no confirmation and are placed nowhere, or not at the node
     * {@code ownerAddress} names for them ({@code null} when no primary serves the topic's slot).
     */
    List<String> misplaced(Function<String, String> ownerAddress) {
        synchronized (lock) {
            List<String> misplaced = new ArrayList<>();
            for (String topic : wanted) {
                if (pending.containsKey(topic)) {
                    continue;
                }
                NodeSubscriber placed = placement.get(topic);
                String owner = ownerAddress.apply(topic);
                if (placed == null || owner == null || !placed.address().equals(owner)) {
                    misplaced.add(topic);
                }
            }
            return misplaced;
        }
    }

    /** Whether {@code node} delivers a topic or waits for a confirmation. */
    boolean uses(NodeSubscriber node) {
        synchronized (lock) {
            return placement.containsValue(node) || pending.containsValue(node);
        }
    }

    /** Forgets every placement (the broker closes). */
    void clear() {
        synchronized (lock) {
            placement.clear();
            pending.clear();
        }
    }
}
