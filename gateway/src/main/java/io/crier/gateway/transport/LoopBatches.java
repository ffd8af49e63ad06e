package io.crier.gateway.transport;

import io.crier.gateway.hub.Subscriber;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Groups a publication's targets by the event loop of their channels, in the targets' order. A node has a
 * few loops (two per core by default), so a linear search over the batches found so far beats a map.
 * Stateless.
 */
final class LoopBatches {

    /** The targets whose channels are on one event loop. */
    record Batch(EventLoop loop, List<ChannelSubscriber> targets) {
    }

    private LoopBatches() {
    }

    /** One batch per event loop among {@code targets}, each with its targets in their order. */
    static List<Batch> group(Collection<? extends Subscriber> targets) {
        List<Batch> batches = new ArrayList<>(4);
        Batch last = null;
        for (Subscriber subscriber : targets) {
            // Every subscriber in this node's hub is the ChannelSubscriber of a session the SessionFactory opened.
            ChannelSubscriber target = (ChannelSubscriber) subscriber;
            EventLoop loop = target.channel().eventLoop();
            if (last == null || last.loop() != loop) {
                last = find(batches, loop);
                if (last == null) {
                    last = new Batch(loop, new ArrayList<>(Math.max(16, targets.size() / 2)));
                    batches.add(last);
                }
            }
            last.targets().add(target);
        }
        return batches;
    }

    private static Batch find(List<Batch> batches, EventLoop loop) {
        for (Batch batch : batches) {
            if (batch.loop() == loop) {
                return batch;
            }
        }
        return null;
    }
}
