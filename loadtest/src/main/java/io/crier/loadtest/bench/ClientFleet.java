package io.crier.loadtest.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's connections: one event-loop group (epoll when available), the connect phase with a bounded
 * number of handshakes in flight, and the read side of what the connections measured ({@link LoopStats} per loop).
 *
 * <p>Thread-safe: connect and the readers run on the controller thread, the callbacks on event loops.
 */
final class ClientFleet implements AutoCloseable {

    private static final int MAX_FAILURE_KINDS = 20;
    private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Map<EventLoop, LoopStats> stats = new ConcurrentHashMap<>();
    private final Queue<Channel> channels = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Semaphore inFlight;
    private volatile CountDownLatch done = new CountDownLatch(0);

    ClientFleet(int threads, int concurrency) {
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-io"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        this.inFlight = new Semaphore(concurrency);
    }

    static String transport() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }

    /**
     * Connects every plan (at most {@code concurrency} handshakes in flight) and waits until each is ready or has
     * failed, or {@code timeout} has passed.
     */
    ConnectResult connect(List<ClientPlan> plans, Duration timeout) throws InterruptedException {
        done = new CountDownLatch(plans.size());
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int attempted = 0;
        for (ClientPlan plan : plans) {
            if (!inFlight.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            attempted++;
            long connectStart = System.nanoTime();
            ChannelFuture connect = bootstrap.clone().handler(new ClientHandler(plan, this, connectStart))
                    .connect(new InetSocketAddress(plan.host(), plan.port()),
                            new InetSocketAddress(plan.sourceAddress(), 0));
            channels.add(connect.channel());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    onFailed("connect: " + f.cause());
                }
            });
        }
        done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        long elapsed = System.nanoTime() - start;
        return new ConnectResult(plans.size(), attempted, ready.get(), failed.get(), elapsed, takeConnect(),
                new TreeMap<>(failures));
    }

    LoopStats statsFor(EventLoop loop) {
        return stats.computeIfAbsent(loop, LoopStats::new);
    }

    void onReady(Channel channel) {
        ready.incrementAndGet();
        inFlight.release();
        done.countDown();
    }

    void onFailed(String reason) {
        failed.incrementAndGet();
        if (failures.size() < MAX_FAILURE_KINDS || failures.containsKey(reason)) {
            failures.merge(reason, 1, Integer::sum);
        }
        inFlight.release();
        done.countDown();
    }

    /** Publications received so far, by every connection. */
    long received() {
        return stats.values().stream().mapToLong(LoopStats::received).sum();
    }

    /** The publish-to-receive latencies (microseconds) recorded since the previous call. */
    Histogram takeLatency() {
        Histogram sum = new Histogram(LoopStats.MAX_MICROS, 3);
        stats.values().forEach(s -> sum.add(s.takeLatency()));
        return sum;
    }

    private Histogram takeConnect() {
        Histogram sum = new Histogram(LoopStats.MAX_MICROS, 3);
        stats.values().forEach(s -> sum.add(s.takeConnect()));
        return sum;
    }

    /** The ledgers' sums, against {@code publishedPerTopic}, read on each loop. */
    DeliveryLedger.Totals totals(long[] publishedPerTopic) throws InterruptedException {
        DeliveryLedger.Totals totals = new DeliveryLedger.Totals();
        for (LoopStats s : stats.values()) {
            totals.add(onLoop(s, () -> s.onLoop(publishedPerTopic)));
        }
        return totals;
    }

    /** Close codes of connections that ended after they were ready, with counts. */
    Map<Integer, Integer> closesAfterReady() throws InterruptedException {
        Map<Integer, Integer> all = new TreeMap<>();
        for (LoopStats s : stats.values()) {
            onLoop(s, s::closesOnLoop).forEach((code, n) -> all.merge(code, n, Integer::sum));
        }
        return all;
    }

    long pongs() throws InterruptedException {
        long pongs = 0;
        for (LoopStats s : stats.values()) {
            pongs += onLoop(s, s::pongsOnLoop);
        }
        return pongs;
    }

    private static <T> T onLoop(LoopStats s, java.util.concurrent.Callable<T> task) throws InterruptedException {
        try {
            return s.loop().submit(task).get(TASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("reading the stats of " + s.loop() + " failed", e);
        }
    }

    /** Closes every connection and the event loops, waiting a bounded time. */
    @Override
    public void close() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(15, TimeUnit.SECONDS);
    }

    /** The outcome of a connect phase. Immutable. */
    record ConnectResult(int planned, int attempted, int ready, int failed, long elapsedNanos, Histogram latency,
                         Map<String, Integer> failures) {

        int timedOut() {
            return attempted - ready - failed;
        }

        double readyPerSecond() {
            return ready / (elapsedNanos / 1e9);
        }
    }
}
