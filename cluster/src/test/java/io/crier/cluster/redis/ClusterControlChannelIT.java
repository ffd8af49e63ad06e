package io.crier.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.crier.cluster.ControlChannel;
import io.crier.cluster.ControlChannelContract;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The control channel contract on a Redis Cluster: classic pub/sub, which the cluster broadcasts, so that nodes
 * whose connections sit on different cluster nodes hear each other.
 */
class ClusterControlChannelIT extends ControlChannelContract {

    @RegisterExtension
    static final RedisSetup REDIS = RedisSetup.cluster();

    @Override
    protected ControlChannel newChannel() {
        return new RedisControlChannel(REDIS.link("crier:"));
    }

    @Test
    void threeNodesHearWhatOneSends() throws Exception {
        ControlChannel[] nodes = {channel(), channel(), channel()};
        Heard[] heard = {new Heard(), new Heard(), new Heard()};
        for (int i = 0; i < nodes.length; i++) {
            nodes[i].start(heard[i]);
            heard[i].awaitResubscribed();
        }

        complete(nodes[2].send("hello".getBytes(StandardCharsets.UTF_8)));

        for (Heard each : heard) {
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), each.next());
        }
    }
}
