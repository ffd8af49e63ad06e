package io.crier.cluster.memory;

import io.crier.cluster.RevocationStore;
import io.crier.cluster.RevocationStoreContract;

/** The revocation contract on {@link InMemoryRevocationStore}. */
class InMemoryRevocationStoreTest extends RevocationStoreContract {

    @Override
    protected RevocationStore newStore() {
        return new InMemoryRevocationStore();
    }
}
