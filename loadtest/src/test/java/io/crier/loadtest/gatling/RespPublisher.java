package io.crier.loadtest.gatling;

import io.crier.loadtest.bench.RespPublish;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A backend's {@code PUBLISH channel payload} to Redis over one plain socket, in RESP, waiting for each reply: the
 * smallest publisher there is, so that the measured latency holds no client library of ours (Lettuce stays in the
 * cluster module) and no gateway HTTP route. Not thread-safe: one publishing thread owns it.
 */
final class RespPublisher implements AutoCloseable {

    /** A reply line longer than this is not a PUBLISH reply. */
    private static final int MAX_LINE = 512;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RespPublisher(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream());
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Connects to Redis at {@code host:port}; every later read waits at most {@code timeout}. */
    static RespPublisher connect(String host, int port, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new RespPublisher(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Publishes {@code payload} on {@code channel} and returns how many Redis subscribers got it (one per node
     * subscribed to the topic).
     *
     * @throws IOException when Redis answers with an error or the connection fails
     */
    long publish(byte[] channel, byte[] payload) throws IOException {
        RespPublish.write(out, RespPublish.head(channel), payload);
        out.flush();
        String reply = readLine();
        if (!reply.startsWith(":")) {
            throw new IOException("Redis refused the PUBLISH: " + reply);
        }
        return Long.parseLong(reply.substring(1));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(16);
        int previous = -1;
        while (line.size() < MAX_LINE) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Redis closed the connection");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("reply line longer than " + MAX_LINE + " bytes");
    }
}
