package io.crier.loadtest.bench;

import java.util.Locale;

/**
 * The server's CPU time and RSS at one moment, read from outside ({@code /proc}), for what a connect round cost the
 * server (CPU per connection, RSS growth per connection right after the burst, no GC). Immutable; thread-safe.
 *
 * @param cpuNanos the CPU time of the server's live threads, -1 when not read
 * @param rssKiB   the server's VmRSS, -1 when not read
 */
record ServerCost(long cpuNanos, long rssKiB) {

    /** The server's figures now; both -1 without a PID. */
    static ServerCost read(long pid) {
        return pid > 0 ? new ServerCost(NodeProbe.cpuNanos(pid), NodeProbe.rssKiB(pid)) : new ServerCost(-1, -1);
    }
}
