package io.crier.cluster.memory;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlChannelContract;

/** The control channel contract on {@link InMemoryControlChannel}. */
class InMemoryControlChannelTest extends ControlChannelContract {

    @Override
    protected ControlChannel newChannel() {
        return new InMemoryControlChannel();
    }
}
