package io.crier.loadtest.bench;

/**
 * What one benchmark client does: where it connects, from which source address, the auth and subscribe command
 * frames it sends (its own token in the first) and the topic it expects publications on. Immutable; thread-safe.
 *
 * @param topic   the topic index, as carried in the benchmark payload
 * @param deflate whether the client offers permessage-deflate
 */
record ClientPlan(int index, String host, int port, String path, String sourceAddress, int topic,
                  byte[] authFrame, byte[] subscribeFrame, int payloadBytes, boolean deflate) {

    static final long AUTH_ID = 1;
    static final long SUBSCRIBE_ID = 2;
}
