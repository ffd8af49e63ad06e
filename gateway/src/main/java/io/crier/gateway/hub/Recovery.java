package io.crier.gateway.hub;

import io.crier.protocol.Position;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One session joining a topic with history, from the subscribe until it goes live: the publications
 * dispatched on the topic meanwhile are {@link #held} for it (never written), its history read decides the
 * reply and the {@link #replay}, and {@link Hub#activate} writes both after the reply. Mutable fields are
 * guarded by the {@link TopicEntry}'s monitor; {@link #result} is thread-safe.
 */
final class Recovery {

    final TopicEntry entry;
    final Subscriber subscriber;
    /** The client's last position, or null for a plain subscribe. */
    final Position since;
    final CompletableFuture<Subscription> result = new CompletableFuture<>();
    final Deque<Positioned> held = new ArrayDeque<>();
    /** The missed publications to write after the reply (empty unless recovered). */
    List<Positioned> replay = List.of();
    /** The topic's position as the history read saw it; null until the read is answered. */
    Position start;
    /** The offset up to which the session has everything (once the replay is written: {@link #start}'s). */
    long written;
    /**
     * Whether the topic's cursor has reached {@link #start} since the read: before that, publications the read
     * saw may still arrive live, and a live session would get them twice.
     */
    boolean reached;
    /** Whether the reply was written and the session may go live as soon as the topic's cursor allows. */
    boolean activationRequested;

    Recovery(TopicEntry entry, Subscriber subscriber, Position since) {
        this.entry = entry;
        this.subscriber = subscriber;
        this.since = since;
    }

    boolean answered() {
        return start != null;
    }
}
