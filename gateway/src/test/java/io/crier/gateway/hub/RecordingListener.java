package io.crier.gateway.hub;

import io.crier.cluster.BrokerListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sits between a broker and the hub in tests: records the topic of every publication the broker
 * delivers, which shows the node's broker-side subscriptions, then forwards it. Thread-safe.
 */
public final class RecordingListener implements BrokerListener {

    private final BrokerListener next;
    private final List<String> topics = new CopyOnWriteArrayList<>();

    public RecordingListener(BrokerListener next) {
        this.next = next;
    }

    @Override
    public void onPublication(String topic, byte[] payload) {
        topics.add(topic);
        next.onPublication(topic, payload);
    }

    /** The topics of the publications the broker delivered, in order. */
    public List<String> topics() {
        return List.copyOf(topics);
    }

    /** Forgets what was recorded. */
    public void clear() {
        topics.clear();
    }
}
