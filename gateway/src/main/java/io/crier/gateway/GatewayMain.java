package io.crier.gateway;

import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.config.InvalidConfigException;
import io.crier.gateway.logging.LogSetup;

/**
 * The command line: {@code java -jar crier-gateway.jar [--config FILE]} ({@link CommandLine}). Loads the configuration (bundled
 * defaults, then the file, then {@code CRIER_*} environment variables), starts one node, and drains it on
 * SIGTERM; it also exits once a drain started by {@code POST /admin/drain} has ended. Exit status 2 means a
 * bad command line or configuration, or a key, certificate or port that
 * cannot be used. Runs on the main thread only.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = CommandLine.parse(args);
        if (commandLine.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        if (commandLine.error() != null) {
            System.err.println(commandLine.error());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        // Lettuce warns on every client when both epoll and io_uring are on the classpath; epoll is what it picks.
        if (System.getProperty("io.lettuce.core.iouring") == null) {
            System.setProperty("io.lettuce.core.iouring", "false");
        }
        CrierConfig config;
        try {
            config = new ConfigLoader().load(commandLine.configFile(), System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LogSetup.apply(config.log(), config.node().id());
        GatewayServer server;
        try {
            server = GatewayServer.start(config);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A key or certificate file that does not load, or a port that cannot be bound: a startup error,
            // reported like a bad setting rather than as a stack trace.
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        // SIGTERM: out of rotation for drain.readinessDelay, paced disconnects, then close.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.drain();
            server.close();
        }, "crier-shutdown"));
        // A drain started by POST /admin/drain ends the process too. System.exit runs the shutdown hook, which
        // waits for the event loops: so it is called from a thread of its own, never from an event loop.
        server.drained().thenRun(() -> new Thread(() -> System.exit(0), "crier-exit").start());
        String base = server.plainEnabled() ? server.baseUrl() : server.secureBaseUrl();
        if (server.plainEnabled()) {
            System.out.println("Crier node " + server.nodeId() + " listening on " + server.baseUrl()
                    + " (demo: " + server.baseUrl() + "/, websocket: " + server.webSocketUrl() + ")");
        }
        if (server.tlsEnabled()) {
            System.out.println("Crier node " + server.nodeId() + " listening on " + server.secureBaseUrl()
                    + " (demo: " + server.secureBaseUrl() + "/, websocket: " + server.secureWebSocketUrl() + ")"
                    + (config.tls().selfSigned() ? " with a self-signed certificate: accept it in the browser"
                    + " first by opening " + server.secureBaseUrl() + "/" : ""));
        }
        if (config.auth().devMode()) {
            System.out.println("Development mode: no secret configured; the demo gets tokens from "
                    + base + "/dev/token?user=NAME");
        } else if (config.auth().devTokens()) {
            System.out.println("Development tokens (auth.devTokens): the demo gets tokens from " + base
                    + "/dev/token?user=NAME, signed with auth.hmacSecret: good on every node with that secret");
        }
        // The event loop threads are not daemons: the process lives until SIGTERM runs the shutdown hook.
    }
}
