package io.crier.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of the RFC 6455 opening handshake: a fresh random key per connection, the upgrade request
 * bytes, and the check of the server's answer (status 101 and the {@code Sec-WebSocket-Accept} that proves the
 * server read this key). permessage-deflate is offered only when asked for. Stateless and thread-safe.
 */
final class Handshakes {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshakes() {
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64. */
    static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /**
     * The upgrade request; no Origin header (a non-browser client), no token in the URL; with {@code deflate}, the
     * offer of permessage-deflate that browsers make.
     */
    static byte[] request(String host, int port, String path, String key, boolean deflate) {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + ":" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + (deflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        return request.getBytes(StandardCharsets.US_ASCII);
    }

    /** Checks the answer's status line and headers (without the blank line); returns the problem, or null. */
    static String check(String head, String key) {
        int lineEnd = head.indexOf("\r\n");
        String status = lineEnd < 0 ? head : head.substring(0, lineEnd);
        if (!status.startsWith("HTTP/1.1 101")) {
            return "upgrade refused: " + status;
        }
        String expected = accept(key);
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                return line.substring(colon + 1).trim().equals(expected) ? null : "wrong Sec-WebSocket-Accept";
            }
        }
        return "no Sec-WebSocket-Accept in the upgrade answer";
    }

    private static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
