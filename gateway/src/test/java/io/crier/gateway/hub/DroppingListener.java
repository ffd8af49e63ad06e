package io.crier.gateway.hub;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sits between a broker and the hub in tests and loses chosen publications (by offset) on the way, as Redis
 * pub/sub does while a node's link is down; can also deliver every publication twice. Forwards state changes and
 * restored subscriptions.
 * Thread-safe.
 */
public final class DroppingListener implements BrokerListener {

    private static final Pattern OFFSET = Pattern.compile("^\\{\"offset\":(\\d+),");

    private final BrokerListener next;
    private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
    private volatile boolean duplicating;

    public DroppingListener(BrokerListener next) {
        this.next = next;
    }

    /** Loses the publications with these offsets (of any topic) from now on. */
    public void drop(long... offsets) {
        for (long offset : offsets) {
            dropped.add(offset);
        }
    }

    /** Delivers every publication twice from now on. */
    public void duplicate() {
        duplicating = true;
    }

    @Override
    public void onPublication(String topic, byte[] payload) {
        Matcher offset = OFFSET.matcher(new String(payload, StandardCharsets.UTF_8));
        if (offset.find() && dropped.contains(Long.parseLong(offset.group(1)))) {
            return;
        }
        next.onPublication(topic, payload);
        if (duplicating) {
            next.onPublication(topic, payload.clone());
        }
    }

    @Override
    public void onStateChange(BrokerState state) {
        next.onStateChange(state);
    }

    @Override
    public void onSubscriptionsRestored(Collection<String> topics) {
        next.onSubscriptionsRestored(topics);
    }
}
