package io.crier.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One publication on its way to this node's event loops: its shared frame, its targets grouped by loop, when its
 * fan-out started, and how many loops have yet to write it. It is the one object a publication costs the fan-out
 * whatever the number of loops and sessions: each loop's {@link LoopQueue} holds this same instance and finds its
 * own targets in it ({@link #targetsOn}).
 *
 * <p>Thread-safe: immutable but for the count of loops still to write, which is atomic.
 */
final class FanoutPublication {

    private static final AtomicIntegerFieldUpdater<FanoutPublication> LOOPS_LEFT =
            AtomicIntegerFieldUpdater.newUpdater(FanoutPublication.class, "loopsLeft");

    private final ByteBuf frame;
    private final ByteBuf deflatedFrame;
    private final List<LoopBatches.Batch> batches;
    private final long startNanos;
    private volatile int loopsLeft;

    /**
     * {@code frame}, and {@code deflatedFrame} when there is one, hold one reference for each of {@code batches},
     * which each loop releases once written.
     */
    FanoutPublication(ByteBuf frame, ByteBuf deflatedFrame, List<LoopBatches.Batch> batches, long startNanos) {
        this.frame = frame;
        this.deflatedFrame = deflatedFrame;
        this.batches = batches;
        this.startNanos = startNanos;
        this.loopsLeft = batches.size();
    }

    /** The shared frame: every target gets a duplicate of it. */
    ByteBuf frame() {
        return frame;
    }

    /**
     * The same publication compressed once for the sessions that negotiated permessage-deflate; null when none of
     * its targets did, or it was too small or would not get smaller (they get {@link #frame} then).
     */
    ByteBuf deflatedFrame() {
        return deflatedFrame;
    }

    /** When the fan-out of this publication started ({@link System#nanoTime}). */
    long startNanos() {
        return startNanos;
    }

    /** The targets on {@code loop}, in the order the hub gave them; empty when none is on it. */
    List<ChannelSubscriber> targetsOn(EventLoop loop) {
        for (LoopBatches.Batch batch : batches) {
            if (batch.loop() == loop) {
                return batch.targets();
            }
        }
        return List.of();
    }

    /** One loop has written it (and released its reference); true for the last loop. */
    boolean loopDone() {
        return LOOPS_LEFT.decrementAndGet(this) == 0;
    }
}
