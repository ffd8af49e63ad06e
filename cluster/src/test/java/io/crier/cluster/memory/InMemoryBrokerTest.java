package io.crier.cluster.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crier.cluster.Broker;
import io.crier.cluster.BrokerContract;
import io.crier.cluster.BrokerListener;
import io.crier.cluster.RecordingListener;
import org.junit.jupiter.api.Test;

/** The broker contract on {@link InMemoryBroker}, plus what only the in-memory broker promises. */
class InMemoryBrokerTest extends BrokerContract {

    @Override
    protected Broker newBroker() {
        return new InMemoryBroker();
    }

    @Test
    void refusesASecondStart() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);

        assertThrows(IllegalStateException.class, () -> broker.start(received));
    }

    @Test
    void countsListenerFailuresAndStillCompletesThePublish() throws Exception {
        InMemoryBroker broker = new InMemoryBroker();
        try (broker) {
            complete(broker.start(new BrokerListener() {
                @Override
                public void onPublication(String topic, byte[] payload) {
                    throw new IllegalStateException("a listener bug, thrown on purpose by the test");
                }
            }));
            String news = topic("news");
            complete(broker.subscribe(news));

            complete(broker.publish(news, bytes("one")));
            complete(broker.publish(news, bytes("two")));

            assertEquals(2, broker.listenerFailures());
        }
    }

    @Test
    void givesTheListenerItsOwnCopyOfThePayload() throws Exception {
        RecordingListener received = new RecordingListener();
        Broker broker = startedBroker(received);
        String news = topic("news");
        complete(broker.subscribe(news));
        byte[] payload = bytes("original");

        complete(broker.publish(news, payload));
        payload[0] = 'X';

        assertEquals("original", received.next().text());
    }
}
