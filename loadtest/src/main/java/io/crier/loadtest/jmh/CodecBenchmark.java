package io.crier.loadtest.jmh;

import io.crier.protocol.ChannelMessage;
import io.crier.protocol.Command;
import io.crier.protocol.CommandId;
import io.crier.protocol.EnvelopeCodec;
import io.crier.protocol.Inbound;
import io.crier.protocol.MalformedPublicationException;
import io.crier.protocol.Position;
import io.crier.protocol.PublicationCodec;
import io.crier.protocol.Push;
import io.crier.protocol.RawJson;
import io.crier.protocol.Reply;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The codec work of one publication and of the commonest commands, in nanoseconds per operation: encoding the
 * {@code message} push that a node shares between its subscribers (with and without a history position) and the
 * three frames of one connect, decoding a client's {@code publish} and {@code subscribe} commands, and decoding the
 * broker payload
 * {@code {"data":...}} that each node reads from Redis. Data sizes: 100 bytes and 4 KiB.
 *
 * <p>Thread-safety: the codecs are thread-safe and every state is read-only after its set-up, so the benchmarks
 * may run with any number of JMH threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private static final String TOPIC = "chat:lobby";
    /** The gateway's default {@code limits.maxDataBytes}. */
    private static final int MAX_DATA_BYTES = 32768;

    /** The data of one size and the frames and payloads that carry it, encoded by the protocol's own encoders. */
    @State(Scope.Benchmark)
    public static class Sized {
        @Param({"100", "4096"})
        int dataBytes;

        final EnvelopeCodec envelopes = new EnvelopeCodec(MAX_DATA_BYTES);
        final PublicationCodec publications = new PublicationCodec();
        final Position position = new Position(123_456, "e8Kq2pLx");
        RawJson data;
        byte[] publishFrame;
        byte[] redisPayload;

        @Setup(Level.Trial)
        public void setUp() throws MalformedPublicationException {
            data = BenchData.of(dataBytes);
            publishFrame = envelopes.encodeCommand(new Command.Publish(CommandId.of(42), TOPIC, data));
            redisPayload = publications.encode(data);
            // Measure the success paths only: a frame that decodes to an error would time the wrong code.
            require(envelopes.decode(publishFrame) instanceof Command.Publish, "publish frame");
            require(publications.decode(redisPayload) instanceof ChannelMessage.Publication, "redis payload");
        }
    }

    /** A {@code subscribe} command frame (no recovery), whose cost does not depend on a data size. */
    @State(Scope.Benchmark)
    public static class Subscribe {
        final EnvelopeCodec envelopes = new EnvelopeCodec(MAX_DATA_BYTES);
        byte[] frame;

        @Setup(Level.Trial)
        public void setUp() {
            frame = envelopes.encodeCommand(new Command.Subscribe(CommandId.of(7), TOPIC));
            require(envelopes.decode(frame) instanceof Command.Subscribe, "subscribe frame");
        }
    }

    /** The three frames a connect sends (the auth's {@code ok}, the welcome, the subscribe's {@code ok}). */
    @State(Scope.Benchmark)
    public static class Connect {
        final EnvelopeCodec envelopes = new EnvelopeCodec(MAX_DATA_BYTES);
        final Reply authOk = new Reply.Ok(CommandId.of(1));
        final Push welcome = new Push.Welcome("s-8f3c2a1b9d7e4f60", "node-1", "user-4711", 25);
        final Reply subscribed = new Reply.Subscribed(CommandId.of(2), false, new Position(0, "e8Kq2pLx"));
    }

    /** Encodes the replies and push of one connect, as the session writes them: each to its own bytes. */
    @Benchmark
    public void encodeConnectReplies(Connect state, Blackhole sink) {
        sink.consume(state.envelopes.encode(state.authOk));
        sink.consume(state.envelopes.encode(state.welcome));
        sink.consume(state.envelopes.encode(state.subscribed));
    }

    @Benchmark
    public byte[] encodeMessage(Sized state) {
        return state.envelopes.encodeMessage(TOPIC, state.data, null);
    }

    @Benchmark
    public byte[] encodeMessageWithPosition(Sized state) {
        return state.envelopes.encodeMessage(TOPIC, state.data, state.position);
    }

    @Benchmark
    public Inbound decodePublish(Sized state) {
        return state.envelopes.decode(state.publishFrame);
    }

    @Benchmark
    public Inbound decodeSubscribe(Subscribe state) {
        return state.envelopes.decode(state.frame);
    }

    @Benchmark
    public ChannelMessage decodeRedisPublication(Sized state) throws MalformedPublicationException {
        return state.publications.decode(state.redisPayload);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what + " did not decode as expected");
        }
    }
}
