package io.crier.loadtest.bench;

import io.crier.gateway.auth.TestTokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's parameters, parsed from {@code MODE --key=value ...} (or {@code --key value}); every key has a
 * default, printed by {@code --help}. Immutable and thread-safe.
 */
record BenchOptions(String mode, List<URI> urls, List<InetSocketAddress> redisNodes, String redisMode,
                    String publishCommand, String prefix, int connections, int topics, double rate, Duration duration,
                    int payloadBytes, int sources, int threads, int concurrency, String secret, long pid,
                    CpuWatch watch, int subscribers, Duration p99Bound, double startRate, double factor,
                    Duration step, int maxSteps, Duration budget, int processes, Duration hold, String label,
                    Duration connectTimeout, Duration warmup, AbuseSizes abuse, int connectRounds, String run,
                    int firstClient, int sourceOffset, Duration countTimeout, boolean deflate, int document) {

    /**
     * The abuse mode's round count and the clients of each case per round; 0 leaves a case out.
     *
     * @param rounds      rounds after the warm-up round
     * @param slowReaders subscribers that stop reading, each on a topic of its own (closed 4001)
     * @param flooders    clients that send commands far past the rate limit (closed 4502)
     * @param oversized   clients that send a message over the size limit in many fragments (closed 1009)
     * @param bombs       clients that send a deflate bomb over permessage-deflate (closed 1009)
     * @param bigHeaders  upgrade requests with a header over the handshake limit, all at once (HTTP 400)
     */
    record AbuseSizes(int rounds, int slowReaders, int flooders, int oversized, int bombs, int bigHeaders) {
    }

    /** Every key with its default, in the order the usage text lists them. */
    private static final Map<String, String> DEFAULTS = defaults();

    static final String USAGE = """
            Usage: bench MODE [--key=value ...]
              MODE   fixed   publish at --rate publications/s for --duration, report latency and losses
                     search  raise the rate from --start-rate by --factor each --step until p99 > --p99-bound,
                             a loss, or the deliveries fall behind; report the highest rate that passed
                     idle    connect --connections (over --processes client JVMs), then report the server's
                             heap and RSS (needs --pid) against a baseline taken before connecting, and its live
                             heap by class per connection; --connect-rounds > 1 first connects and closes
                             --connections that many times less one, so that the baseline is a warm server
                     connect open --connections (auth + subscribe each, own JWT each) with --concurrency in
                             flight; report handshakes/s, connect latency and (with --pid) the server's CPU and
                             RSS growth per connection; --connect-rounds > 1 closes them all and connects again,
                             and reports the first (cold) round and the mean of the later (warm) ones
                     hold    connect, print HELD, hold until stdin closes or --hold ends; a 'count' line on
                             stdin prints COUNTING, waits (--count-timeout at most) for the next publication on
                             the run's topics and prints COUNTED: how many connections got it (idle and
                             bin/bench-fleet start it)
                     redis   no WebSocket server: --subscribers plain Redis connections subscribe to every
                             topic as gateway nodes do (SUBSCRIBE, or SSUBSCRIBE on each slot's primary), then
                             publish at --rate for --duration and report each --watch process's CPU per publication
                     abuse   one warm-up round and --rounds rounds of abuse (slow readers fed by Redis at --rate
                             with --payload-byte publications, command floods, oversized fragmented messages,
                             deflate bombs, oversized handshakes); after each, the server's heap after a full
                             GC, Netty's direct memory and RSS (needs --pid) against the baseline after warm-up
            Keys (default):
            """;

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("url", "ws://127.0.0.1:8080/ws");
        d.put("redis", "127.0.0.1:6379");
        d.put("redis-mode", "standalone");
        d.put("publish-command", "auto");
        d.put("prefix", "crier:");
        d.put("connections", "1000");
        d.put("topics", "1");
        d.put("rate", "100");
        d.put("duration", "20s");
        d.put("payload", "100");
        d.put("sources", "16");
        d.put("threads", "2");
        d.put("concurrency", "200");
        d.put("secret", new String(TestTokens.secret(), StandardCharsets.UTF_8));
        d.put("pid", "0");
        d.put("watch", "");
        d.put("subscribers", "2");
        d.put("p99-bound", "50ms");
        d.put("start-rate", "10");
        d.put("factor", "1.5");
        d.put("step", "8s");
        d.put("max-steps", "10");
        d.put("budget", "110s");
        d.put("processes", "1");
        d.put("hold", "5s");
        d.put("label", "target");
        d.put("connect-timeout", "60s");
        d.put("warmup", "3s");
        d.put("rounds", "10");
        d.put("connect-rounds", "1");
        d.put("run", "");
        d.put("first-client", "0");
        d.put("source-offset", "0");
        d.put("count-timeout", "30s");
        d.put("deflate", "false");
        d.put("document", "0");
        d.put("slow-readers", "8");
        d.put("flooders", "8");
        d.put("oversized", "8");
        d.put("bombs", "8");
        d.put("big-headers", "100");
        return d;
    }

    /** The usage text with every key and its default (the secret is not shown). */
    static String usage() {
        StringBuilder text = new StringBuilder(USAGE);
        DEFAULTS.forEach((key, value) -> text.append("  --").append(key).append('=')
                .append("secret".equals(key) ? "<TestTokens.secret()>" : value).append('\n'));
        text.append("Topics are bench.<run>.<i>; client i subscribes to topic i % topics (1 = fan-out).\n");
        text.append("--deflate=true: each client offers permessage-deflate and inflates what comes compressed, keeping\n"
                + "its inflater's window across messages as a browser does.\n");
        text.append("--document=N (1..100): the payload's pad is a document of entries ABCD:0123.45; with random keys and\n"
                + "values, N% of which change before each publication of its topic; 0: one repeated letter.\n");
        text.append("--url and --redis take comma-separated lists: client i connects to url (i / topics) % urls, so\n"
                + "each url gets subscribers of every topic once connections >= urls x topics; --redis lists a\n"
                + "standalone server or, with --redis-mode=cluster, seed nodes of a Redis Cluster, and each\n"
                + "publication goes to the primary that owns its channel's slot. --publish-command=auto is PUBLISH\n"
                + "on a standalone Redis and SPUBLISH on a cluster (as the gateway). --watch=label:pid,... reports\n"
                + "each process's CPU (percent of a core, microseconds per publication) over every step.\n");
        text.append("Client i connects from 127.0.0.<1 + source-offset + i % sources>. --run names the run (topics\n"
                + "bench.<run>.<i>, users bench-<run>-<i>; empty = random), so that several processes share its\n"
                + "topics; --first-client=N makes this process's clients the run's clients N, N+1, ... (own users,\n"
                + "topics and urls as their index says). Everything stops by itself.\n");
        return text.toString();
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} with a readable message on a bad one. */
    static BenchOptions parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("no mode given");
        }
        String mode = args[0];
        if (!mode.matches("fixed|search|idle|connect|hold|abuse|redis")) {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --key=value, got " + arg);
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.length ? args[++i] : "");
            if (!v.containsKey(key)) {
                throw new IllegalArgumentException("unknown key --" + key);
            }
            v.put(key, value);
        }
        return fromMap(mode, v);
    }

    private static BenchOptions fromMap(String mode, Map<String, String> v) {
        List<URI> urls = Arrays.stream(v.get("url").split(",")).map(URI::create).toList();
        List<InetSocketAddress> redis = Arrays.stream(v.get("redis").split(",")).map(BenchOptions::address).toList();
        BenchOptions o = new BenchOptions(mode, urls, redis, v.get("redis-mode"), v.get("publish-command"),
                v.get("prefix"), positive(v, "connections"), positive(v, "topics"), Double.parseDouble(v.get("rate")),
                duration(v.get("duration")), positive(v, "payload"), positive(v, "sources"), positive(v, "threads"),
                positive(v, "concurrency"), v.get("secret"), Long.parseLong(v.get("pid")),
                CpuWatch.parse(v.get("watch")), positive(v, "subscribers"), duration(v.get("p99-bound")),
                Double.parseDouble(v.get("start-rate")),
                Double.parseDouble(v.get("factor")), duration(v.get("step")), positive(v, "max-steps"),
                duration(v.get("budget")), positive(v, "processes"), duration(v.get("hold")), v.get("label"),
                duration(v.get("connect-timeout")), duration(v.get("warmup")), new AbuseSizes(positive(v, "rounds"),
                        count(v, "slow-readers"), count(v, "flooders"), count(v, "oversized"), count(v, "bombs"),
                        count(v, "big-headers")), positive(v, "connect-rounds"), v.get("run"),
                atLeastZero(v, "first-client"), atLeastZero(v, "source-offset"), duration(v.get("count-timeout")),
                flag(v, "deflate"), percent(v, "document"));
        o.validate();
        return o;
    }

    /** The first (or only) WebSocket URL. */
    URI url() {
        return urls.get(0);
    }

    /** The host of the first (or only) Redis address. */
    String redisHost() {
        return redisNodes.get(0).getHostString();
    }

    /** The port of the first (or only) Redis address. */
    int redisPort() {
        return redisNodes.get(0).getPort();
    }

    /** The Redis command publications go out with: PUBLISH or SPUBLISH. */
    String publishVerb() {
        return switch (publishCommand) {
            case "publish" -> "PUBLISH";
            case "spublish" -> "SPUBLISH";
            default -> "cluster".equals(redisMode) ? "SPUBLISH" : "PUBLISH";
        };
    }

    /** Where publications go: the standalone Redis, or the primaries of the cluster (asked now). */
    RedisShards shards() throws IOException {
        return "cluster".equals(redisMode) ? RedisShards.cluster(redisNodes)
                : RedisShards.standalone(redisNodes.get(0));
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--redis takes host:port[,host:port...], got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private void validate() {
        if (!redisMode.matches("standalone|cluster") || !publishCommand.matches("auto|publish|spublish")) {
            throw new IllegalArgumentException("--redis-mode is standalone or cluster, --publish-command auto, "
                    + "publish or spublish");
        }
        if ("standalone".equals(redisMode) && redisNodes.size() > 1) {
            throw new IllegalArgumentException("a standalone --redis is one host:port (several seed a cluster)");
        }
        if ("spublish".equals(publishCommand) && !"cluster".equals(redisMode)) {
            throw new IllegalArgumentException("--publish-command=spublish needs --redis-mode=cluster");
        }
        if (payloadBytes < BenchPayload.MIN_BYTES) {
            throw new IllegalArgumentException("--payload must be at least " + BenchPayload.MIN_BYTES + " bytes");
        }
        if (sourceOffset + sources > 254) {
            throw new IllegalArgumentException("--source-offset + --sources is at most 254 (127.0.0.1 .. 127.0.0.254)");
        }
        if (!run.matches("[a-z0-9]{0,20}")) {
            throw new IllegalArgumentException("--run is up to 20 characters of a-z 0-9 (empty = random)");
        }
        if (countTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--count-timeout is at most 10m: every run is bounded");
        }
        if (factor <= 1.0 || rate <= 0 || startRate <= 0) {
            throw new IllegalArgumentException("--factor must be above 1, --rate and --start-rate above 0");
        }
        if (duration.compareTo(Duration.ofMinutes(10)) > 0 || budget.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--duration and --budget are at most 10m: every run is bounded");
        }
        if (abuse.rounds() > 100) {
            throw new IllegalArgumentException("--rounds is at most 100: every run is bounded");
        }
    }

    private static int positive(Map<String, String> v, String key) {
        int value = Integer.parseInt(v.get(key));
        if (value < 1) {
            throw new IllegalArgumentException("--" + key + " must be at least 1");
        }
        return value;
    }

    private static int atLeastZero(Map<String, String> v, String key) {
        int value = Integer.parseInt(v.get(key));
        if (value < 0) {
            throw new IllegalArgumentException("--" + key + " must be at least 0");
        }
        return value;
    }

    private static int percent(Map<String, String> v, String key) {
        int value = Integer.parseInt(v.get(key));
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException("--" + key + " must be 0..100");
        }
        return value;
    }

    private static boolean flag(Map<String, String> v, String key) {
        String value = v.get(key);
        if (!"true".equals(value) && !"false".equals(value)) {
            throw new IllegalArgumentException("--" + key + " must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static int count(Map<String, String> v, String key) {
        int value = Integer.parseInt(v.get(key));
        if (value < 0 || value > 1000) {
            throw new IllegalArgumentException("--" + key + " must be 0..1000");
        }
        return value;
    }

    /** Parses {@code 250ms}, {@code 20s}, {@code 2m}. */
    static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> throw new IllegalArgumentException("a duration is like 250ms, 20s or 2m: " + text);
        };
    }
}
