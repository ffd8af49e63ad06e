package io.crier.gateway.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * Work decided under a topic's lock that must run after it is released: history reads (a store may call back
 * into the hub on the caller's thread, and holds its own lock while it publishes to the hub), evictions, and
 * completions of subscribe stages (their callbacks write replies). Not thread-safe: one per locked section.
 */
final class Effects {

    private final List<Runnable> later = new ArrayList<>();

    void add(Runnable effect) {
        later.add(effect);
    }

    /** Runs the effects in the order they were added. */
    void run() {
        for (Runnable effect : later) {
            effect.run();
        }
        later.clear();
    }
}
