package io.crier.gateway.hub;

import io.crier.protocol.ChannelMessage;

/**
 * Receives the presence events ({@code join}/{@code leave}) that arrive on a topic's broker channel, which the
 * hub decodes but does not handle itself. The presence feature implements it. Called on broker threads; must
 * not block and must be thread-safe.
 */
@FunctionalInterface
public interface PresenceEventSink {

    /** A sink that ignores every event: the default while presence is not wired. */
    PresenceEventSink NONE = (topic, event) -> { };

    /** One presence event on {@code topic}, from any node. */
    void onPresenceEvent(String topic, ChannelMessage.PresenceEvent event);
}
