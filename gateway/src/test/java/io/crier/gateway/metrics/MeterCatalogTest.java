package io.crier.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crier.cluster.BrokerListener;
import io.crier.cluster.BrokerState;
import io.crier.cluster.memory.InMemoryBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog's rules: unique names, tags only from fixed sets, and a broker watcher that counts reconnects. */
class MeterCatalogTest {

    @Test
    void everyNameIsDefinedOnceUnderCrier() {
        Set<String> names = new HashSet<>();
        for (MeterDefinition definition : MeterCatalog.all()) {
            assertTrue(names.add(definition.name()), "defined twice: " + definition.name());
            assertTrue(definition.name().startsWith("crier."), definition.name());
            assertTrue(!definition.description().isBlank(), definition.name());
        }
        assertEquals(MeterCatalog.all().size(), names.size());
    }

    @Test
    void aTagValueOutsideTheAllowedSetBecomesOtherSoATopicNeverBecomesATag() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MeterCatalog.DISCONNECTS.counter(meters, "reason", "room:42 of alice from 10.0.0.7").increment();
        MeterCatalog.DISCONNECTS.counter(meters, "reason", "slow_consumer").increment();
        assertEquals(1.0, meters.get("crier.disconnects").tag("reason", MeterDefinition.OTHER).counter().count());
        assertEquals(1.0, meters.get("crier.disconnects").tag("reason", "slow_consumer").counter().count());
    }

    @Test
    void registeringWithOtherTagKeysOrAnotherTypeIsAProgrammingError() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        assertThrows(IllegalArgumentException.class, () -> MeterCatalog.DISCONNECTS.counter(meters));
        assertThrows(IllegalArgumentException.class, () -> MeterCatalog.DISCONNECTS.counter(meters, "topic", "a"));
        assertThrows(IllegalStateException.class, () -> MeterCatalog.CONNECTIONS.counter(meters));
    }

    @Test
    void brokerMetersCountEachReturnOfTheLinkAfterTheFirstAndShowTheState() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InMemoryBroker broker = new InMemoryBroker();
        List<BrokerState> seen = new ArrayList<>();
        BrokerListener hub = new BrokerListener() {
            @Override
            public void onPublication(String topic, byte[] payload) {
            }

            @Override
            public void onStateChange(BrokerState state) {
                seen.add(state);
            }
        };
        BrokerMeters watcher = new BrokerMeters(broker, hub, meters);
        broker.start(watcher); // reports CONNECTED: the first connection is no reconnect
        assertEquals(0.0, watcher.reconnects());
        watcher.onStateChange(BrokerState.DISCONNECTED);
        watcher.onStateChange(BrokerState.CONNECTED);
        assertEquals(1.0, watcher.reconnects());
        assertEquals(1.0, meters.get("crier.redis.reconnects").counter().count());
        assertEquals(1.0, meters.get("crier.broker.state").tag("state", "connected").gauge().value());
        assertEquals(0.0, meters.get("crier.broker.state").tag("state", "disconnected").gauge().value());
        assertTrue(seen.containsAll(List.of(BrokerState.CONNECTED, BrokerState.DISCONNECTED)), seen.toString());
        broker.close();
    }
}
