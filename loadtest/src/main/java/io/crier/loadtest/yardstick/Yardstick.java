package io.crier.loadtest.yardstick;

import io.crier.gateway.auth.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link YardstickNode} as its own process: {@code java -cp ... io.crier.loadtest.yardstick.Yardstick
 * --redis=127.0.0.1:6379 [--port=0] [--prefix=crier:] [--secret=...] [--threads=0] [--transport=epoll|io_uring]}.
 * Prints {@code yardstick listening on ws://127.0.0.1:PORT/ws pid=PID transport=T} once ready, runs until SIGTERM,
 * then closes.
 * Not thread-safe (a main class).
 */
public final class Yardstick {

    private Yardstick() {
    }

    /** Starts the yardstick and blocks until the JVM is asked to stop. */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("redis", "127.0.0.1:6379");
        v.put("port", "0");
        v.put("prefix", "crier:");
        v.put("secret", new String(TestTokens.secret(), StandardCharsets.UTF_8));
        v.put("threads", "0");
        v.put("transport", "epoll");
        if (List.of(args).contains("--help")) {
            System.out.println("Usage: yardstick [--key=value ...]; keys (default): --redis=127.0.0.1:6379 --port=0 "
                    + "--prefix=crier: --secret=<TestTokens.secret()> --threads=0 (0: 2 x cores, as Netty) --transport=epoll (or io_uring: the listener and its connections;"
                    + " the Redis link stays on epoll)");
            return;
        }
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : "";
            if (!v.containsKey(key)) {
                System.err.println("yardstick: unknown argument " + arg + " (try --help)");
                System.exit(2);
            }
            v.put(key, arg.substring(eq + 1));
        }
        String[] redis = v.get("redis").split(":");
        YardstickTransport transport = transport(v.get("transport"));
        YardstickNode node = YardstickNode.start("yardstick", v.get("secret").getBytes(StandardCharsets.UTF_8),
                redis[0], Integer.parseInt(redis[1]), v.get("prefix"), new YardstickNode.Listener(
                        Integer.parseInt(v.get("port")), Integer.parseInt(v.get("threads")), transport));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("yardstick stopping; slow consumers closed: " + node.slowClosed());
            node.close();
            stopped.countDown();
        }, "yardstick-stop"));
        System.out.println("yardstick listening on ws://127.0.0.1:" + node.port() + "/ws pid="
                + ProcessHandle.current().pid() + " transport=" + transport.label());
        System.out.flush();
        stopped.await();
    }

    /** The transport {@code --transport} names; exits with status 2 when it is unknown or does not load here. */
    private static YardstickTransport transport(String name) {
        try {
            return YardstickTransport.named(name);
        } catch (IllegalArgumentException e) {
            System.err.println("yardstick: " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }
}
