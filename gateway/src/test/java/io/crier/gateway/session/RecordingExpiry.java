package io.crier.gateway.session;

import java.util.ArrayList;
import java.util.List;

/** Records what a {@link TokenLifetime} tells its listener, as strings. Not thread-safe; one per test. */
final class RecordingExpiry implements TokenLifetime.Listener {

    private final List<String> events = new ArrayList<>();

    @Override
    public void expiring(long inSeconds) {
        events.add("expiring " + inSeconds);
    }

    @Override
    public void expired() {
        events.add("expired");
    }

    /** The events so far, oldest first, and forgets them. */
    List<String> drain() {
        List<String> copy = List.copyOf(events);
        events.clear();
        return copy;
    }
}
