package io.crier.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ControlChannel} contract, run against every implementation: one subclass per channel provides a new
 * channel ({@link #newChannel()}) on its own fleet.
 */
public abstract class ControlChannelContract {

    private final List<ControlChannel> channels = new ArrayList<>();

    /** A new, unstarted channel; the suite closes it. */
    protected abstract ControlChannel newChannel();

    /** A new channel, closed after the test. */
    protected ControlChannel channel() {
        ControlChannel channel = newChannel();
        channels.add(channel);
        return channel;
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(ControlChannel::close);
    }

    @Test
    void aStartedChannelSaysItIsSubscribedAndHearsItsOwnMessagesInOrder() throws Exception {
        ControlChannel channel = channel();
        Heard heard = new Heard();
        channel.start(heard);
        heard.awaitResubscribed();

        for (int i = 0; i < 20; i++) {
            complete(channel.send(("m" + i).getBytes(StandardCharsets.UTF_8)));
        }

        for (int i = 0; i < 20; i++) {
            assertArrayEquals(("m" + i).getBytes(StandardCharsets.UTF_8), heard.next());
        }
    }

    @Test
    void startingTwiceIsRefused() throws InterruptedException {
        ControlChannel channel = channel();
        Heard heard = new Heard();
        channel.start(heard);

        assertThrows(IllegalStateException.class, () -> channel.start(new Heard()));
        // Connected before the suite closes it and its link: a connection torn down while Lettuce registers it
        // leaves Lettuce's own buffer to the leak detector.
        heard.awaitResubscribed();
    }

    @Test
    void sendingOnAClosedChannelFailsAsUnavailable() throws Exception {
        ControlChannel channel = channel();
        Heard heard = new Heard();
        channel.start(heard);
        heard.awaitResubscribed();
        channel.close();

        var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> complete(channel.send(new byte[] {1})));
        assertEquals(BrokerUnavailableException.class, failure.getCause().getClass());
    }

    protected static <T> T complete(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A listener that queues what it hears; thread-safe. */
    public static final class Heard implements ControlListener {
        private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
        private final BlockingQueue<Boolean> resubscriptions = new LinkedBlockingQueue<>();

        @Override
        public void message(byte[] message) {
            messages.add(message);
        }

        @Override
        public void resubscribed() {
            resubscriptions.add(Boolean.TRUE);
        }

        /** The next message, waiting up to 10 s. */
        public byte[] next() throws InterruptedException {
            byte[] message = messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "no control message within 10 s");
            return message;
        }

        /** Waits up to 10 s for the next (re)subscription. */
        public void awaitResubscribed() throws InterruptedException {
            assertNotNull(resubscriptions.poll(10, TimeUnit.SECONDS), "not subscribed within 10 s");
        }
    }
}
