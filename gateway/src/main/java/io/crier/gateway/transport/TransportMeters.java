package io.crier.gateway.transport;

import io.crier.gateway.metrics.MeterCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.internal.PlatformDependent;

/**
 * The gauges only the transport can read: Netty's direct memory ({@link MeterCatalog#NETTY_DIRECT},
 * {@link MeterCatalog#NETTY_ALLOCATOR_DIRECT}) and the bytes waiting in every connection's outbound queue
 * ({@link MeterCatalog#OUTBOUND_QUEUED}, summed at scrape time, so it costs nothing between scrapes).
 *
 * <p>Registration only; the gauges are read on the scraping thread and are thread-safe.
 */
public final class TransportMeters {

    private TransportMeters() {
    }

    /** Registers the gauges; {@code channels} is every connection of the node. */
    public static void register(MeterRegistry meters, ChannelGroup channels) {
        MeterCatalog.NETTY_DIRECT.gauge(meters, channels, c -> PlatformDependent.usedDirectMemory());
        MeterCatalog.NETTY_ALLOCATOR_DIRECT.gauge(meters, ByteBufAllocator.DEFAULT,
                TransportMeters::usedDirectMemory, "allocator", "default");
        MeterCatalog.NETTY_ALLOCATOR_DIRECT.gauge(meters, PooledByteBufAllocator.DEFAULT,
                TransportMeters::usedDirectMemory, "allocator", "pooled");
        MeterCatalog.OUTBOUND_QUEUED.gauge(meters, channels, TransportMeters::queuedBytes);
    }

    private static double usedDirectMemory(ByteBufAllocator allocator) {
        return allocator instanceof ByteBufAllocatorMetricProvider provider
                ? provider.metric().usedDirectMemory() : -1;
    }

    private static double queuedBytes(ChannelGroup channels) {
        long total = 0;
        for (Channel channel : channels) {
            // The pending count is volatile: reading it off the event loop is safe, if a moment old.
            ChannelOutboundBuffer queue = channel.unsafe().outboundBuffer();
            if (queue != null) {
                total += queue.totalPendingWriteBytes();
            }
        }
        return total;
    }
}
