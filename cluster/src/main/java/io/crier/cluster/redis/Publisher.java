package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.crier.cluster.HistoryOptions;
import io.crier.cluster.StreamPosition;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.RawJson;
import io.crier.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes to Crier topics straight from a JVM backend, through Redis, with no gateway in between:
 * {@link #publish(String, String)} for topics without history (a plain PUBLISH) and
 * {@link #publish(String, String, HistoryOptions)} for topics with history (the {@code crier_publish}
 * function, which returns the publication's position). Use the same {@code prefix} and history options as
 * the gateway's {@code redis.prefix} and namespace settings.
 * <pre>{@code
 * try (Publisher publisher = Publisher.connect("redis://127.0.0.1:6379", "crier:")) {
 *     publisher.publish("news", "{\"headline\":\"hi\"}");
 *     StreamPosition position = publisher.publish("chat:lobby", "{\"text\":\"hi\"}",
 *             new HistoryOptions(100, Duration.ofMinutes(5)));
 * }
 * }</pre>
 *
 * <p>The gateway decides each publication's route itself, from the topic's namespace (its {@code PublishRoute}).
 * This library has no namespace config, so the caller decides, by the method it calls, and a wrong choice is not
 * refused: a plain publish on a topic with history reaches only the sessions live at that moment, without a
 * position, and is not kept for recovery; on a topic without history, the gateway delivers a publication without
 * its position.
 *
 * <p>Each call blocks until Redis answered, at most about twice {@code commandTimeout}. Bounded: at most
 * {@code requestQueueSize} calls wait for Redis at a time, and calls fail at once while Redis is
 * unreachable (the publisher reconnects in the background). Thread-safe; share one instance.
 */
public final class Publisher implements AutoCloseable {

    private final RedisHistoryStore store;
    private final PublicationCodec codec = new PublicationCodec();
    private final Duration callTimeout;
    private final RedisLink link;

    private Publisher(RedisLink link, RedisHistoryStore store, Duration commandTimeout) {
        this.link = link;
        this.store = store;
        // A history publish may take three commands: the call, a reload of the library, the call again.
        this.callTimeout = commandTimeout.multipliedBy(3);
    }

    /**
     * Connects to Redis at {@code uri} (for example {@code redis://127.0.0.1:6379}) for topics whose channels
     * are {@code prefix + topic}, with the gateway's default link settings.
     *
     * @throws BrokerUnavailableException when Redis cannot be reached, or is older than 7.0
     */
    public static Publisher connect(String uri, String prefix) {
        return connect(new RedisConfig(uri, prefix, Duration.ofMillis(100), Duration.ofSeconds(2), 10_000,
                Duration.ofSeconds(5)));
    }

    /**
     * Connects with {@code config}, waiting until the connection is open and the function library loaded.
     *
     * @throws BrokerUnavailableException when the first connection attempt fails or the library does not
     *                                    load within the command timeout
     */
    public static Publisher connect(RedisConfig config) {
        RedisLink link = new RedisLink(config);
        RedisHistoryStore store = new RedisHistoryStore(link);
        Publisher publisher = new Publisher(link, store, config.commandTimeout());
        try {
            publisher.await(store.start());
            return publisher;
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    /**
     * Publishes {@code dataJson} on {@code topic}, which has no history, and returns how many gateway nodes
     * received it (0: no node has a subscriber to the topic right now).
     *
     * @throws IllegalArgumentException   when the topic name or the JSON is invalid, or the data too large
     * @throws BrokerUnavailableException when Redis is unreachable or too slow
     */
    public long publish(String topic, String dataJson) {
        RawJson data = validate(topic, dataJson);
        return await(store.publishWithoutHistory(topic, codec.encode(data)));
    }

    /**
     * Appends {@code dataJson} to {@code topic}'s history and publishes it, and returns its position.
     *
     * @throws IllegalArgumentException   when the topic name or the JSON is invalid, or the data too large
     * @throws BrokerUnavailableException when Redis is unreachable or too slow (a timed-out publication may
     *                                    still have been made)
     */
    public StreamPosition publish(String topic, String dataJson, HistoryOptions options) {
        Objects.requireNonNull(options, "options");
        RawJson data = validate(topic, dataJson);
        return await(store.publish(topic, data.toBytes(), options));
    }

    /** Disconnects and stops the publisher's threads. Idempotent; blocks for at most a few seconds. */
    @Override
    public void close() {
        store.close();
        link.close();
    }

    /** The data as the gateway would read it back: a round trip through the broker payload format. */
    private RawJson validate(String topic, String dataJson) {
        if (!Topics.isValid(topic)) {
            throw new IllegalArgumentException("invalid topic name: " + topic);
        }
        Objects.requireNonNull(dataJson, "dataJson");
        try {
            return codec.decodeData(codec.encode(RawJson.trusted(dataJson.getBytes(StandardCharsets.UTF_8))));
        } catch (MalformedPublicationException e) {
            throw new IllegalArgumentException("dataJson is not accepted: " + e.getMessage(), e);
        }
    }

    private <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new BrokerUnavailableException("publishing failed", e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("Redis did not answer within " + callTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while waiting for Redis", e);
        }
    }
}
