package io.crier.cluster.redis;

import io.crier.cluster.BrokerUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns what Lettuce and Redis answer into one sentence an operator can act on: a wrong mode (a sentinel that
 * does not know the master's name, a data node where a sentinel was expected or the other way round, a Cluster
 * node), a Redis too old for functions, refused credentials, TLS trouble, or nothing listening. Stateless.
 */
final class RedisProblems {

    /** The oldest Redis with functions, which the {@code crier} library needs. */
    static final int MIN_MAJOR_VERSION = 7;

    private static final Pattern VERSION = Pattern.compile("(?m)^redis_version:(\\d+)\\.(\\d+)\\S*");
    private static final Pattern MODE = Pattern.compile("(?m)^redis_mode:(\\w+)");
    private static final Pattern CLUSTER_STATE = Pattern.compile("(?m)^cluster_state:(\\w+)");
    private static final Pattern SLOTS_ASSIGNED = Pattern.compile("(?m)^cluster_slots_assigned:(\\d+)");
    private static final int SLOTS = 16384;

    private RedisProblems() {
    }

    /** Why a connection to {@code endpoint} could not be opened. */
    static String connectFailed(RedisEndpoint endpoint, Throwable error) {
        String sentinels = endpoint.sentinels();
        for (Throwable at = unwrap(error); at != null; at = at.getCause()) {
            String message = String.valueOf(at.getMessage());
            if (message.startsWith("Cannot provide redisAddress using sentinel")) {
                return "the sentinels at " + sentinels + " do not know a master named '" + endpoint.masterName()
                        + "' (SENTINEL get-master-addr-by-name answered nothing): check the name after # in redis.uri";
            }
            for (Throwable suppressed : at.getSuppressed()) {
                if (String.valueOf(suppressed.getMessage()).contains("unknown command 'SENTINEL'")) {
                    return "the server at " + sentinels + " is not a Sentinel (it does not know the SENTINEL command):"
                            + " for a standalone Redis use redis:// or rediss://";
                }
            }
            if (at instanceof UnfitServer) {
                return "Redis at " + endpoint.describe() + " cannot serve: " + message;
            }
            if (message.startsWith("Cannot connect to a Redis Sentinel")) {
                return "no sentinel answered at " + sentinels + " (" + rootMessage(at) + ")";
            }
            // Lettuce may report the handshake's AUTH error as the cause, or beside a "connection closed" it saw first.
            String auth = authError(at);
            if (auth.startsWith("WRONGPASS")) {
                return "Redis at " + endpoint.describe() + " refused the user and password of redis.uri (" + auth + ")";
            }
            if (auth.startsWith("NOAUTH")) {
                return "Redis at " + endpoint.describe() + " needs a password: give [user:]password@ in redis.uri";
            }
            if (at instanceof SSLException) {
                return "TLS with Redis at " + endpoint.describe() + " failed (" + rootMessage(at) + "): check that it"
                        + " serves TLS and that redis.tlsCaFile (or the JVM's trust store) has the CA that signed it";
            }
        }
        Throwable root = rootCause(error);
        if (endpoint.mode() == RedisEndpoint.Mode.SENTINEL && root instanceof ConnectException) {
            return "the master the sentinels at " + sentinels + " name for '" + endpoint.masterName()
                    + "' is not reachable (" + rootMessage(error) + ")";
        }
        return "Redis at " + endpoint.describe() + " is not reachable (" + rootMessage(error) + ")";
    }

    /** The WRONGPASS or NOAUTH error {@code at} is, or carries as a suppressed exception; else empty. */
    private static String authError(Throwable at) {
        String message = String.valueOf(at.getMessage());
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")) {
            return message;
        }
        for (Throwable suppressed : at.getSuppressed()) {
            String text = String.valueOf(suppressed.getMessage());
            if (text.startsWith("WRONGPASS") || text.startsWith("NOAUTH")) {
                return text;
            }
        }
        return "";
    }

    /**
     * What makes the server that answered {@code INFO server} with {@code info} unfit for a node, or empty: a
     * Sentinel node, a Cluster node where a standalone data node is needed ({@code cluster} false) or the other way
     * round, or a Redis without functions.
     */
    static Optional<String> unfitServer(String info, boolean cluster) {
        Matcher modeLine = MODE.matcher(info);
        String mode = modeLine.find() ? modeLine.group(1) : "";
        if (mode.equals("sentinel")) {
            return Optional.of("it is a Sentinel, not a Redis data node: name the sentinels with redis-sentinel://"
                    + "host:26379,host2:26379#master (or rediss-sentinel:// for TLS)");
        }
        if (mode.equals("cluster") && !cluster) {
            return Optional.of("it is a Redis Cluster node: set redis.mode=cluster and list seed nodes in redis.uri"
                    + " (redis://host1:6379,host2:6379)");
        }
        if (!mode.equals("cluster") && cluster) {
            return Optional.of("it is a standalone Redis, not a Redis Cluster node: with one Redis, leave redis.mode"
                    + " at auto");
        }
        Matcher version = VERSION.matcher(info);
        if (version.find() && Integer.parseInt(version.group(1)) < MIN_MAJOR_VERSION) {
            return Optional.of("it is Redis " + version.group(1) + "." + version.group(2) + ", and Crier needs Redis "
                    + MIN_MAJOR_VERSION + ".0 or newer (the crier function library)");
        }
        return Optional.empty();
    }

    /**
     * What makes a Redis Cluster whose {@code CLUSTER INFO} is {@code info} unfit, or empty: slots that no primary
     * serves, or a cluster that says it is down.
     */
    static Optional<String> unfitCluster(String info) {
        Matcher state = CLUSTER_STATE.matcher(info);
        if (state.find() && state.group(1).equals("ok")) {
            return Optional.empty();
        }
        Matcher assigned = SLOTS_ASSIGNED.matcher(info);
        int slots = assigned.find() ? Integer.parseInt(assigned.group(1)) : 0;
        if (slots < SLOTS) {
            return Optional.of("the Redis Cluster serves only " + slots + " of " + SLOTS + " slots (cluster_state:fail):"
                    + " assign the others, for example with redis-cli --cluster fix <host:port>");
        }
        return Optional.of("the Redis Cluster says it is down (cluster_state:fail): a primary failed and no replica"
                + " took over yet, or the nodes cannot reach each other");
    }

    /** Why {@code FUNCTION LOAD} of the {@code crier} library failed on a server that looked fit. */
    static String loadFailed(Throwable error) {
        Throwable cause = unwrap(error);
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandExecutionException && message.startsWith("NOPERM")) {
            return "its user may not load or call functions (" + message + "): grant it FUNCTION and FCALL (+@scripting)";
        }
        if (cause instanceof RedisCommandExecutionException && message.contains("unknown command")) {
            return "it does not know the FUNCTION command (" + message + "): Crier needs Redis " + MIN_MAJOR_VERSION
                    + ".0 or newer, with FUNCTION not renamed or disabled";
        }
        return "cannot load the crier function library (" + message + ")";
    }

    /** The innermost cause's message (what Redis or the OS said), without the wrappers' class names. */
    static String rootMessage(Throwable error) {
        Throwable root = rootCause(error);
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        // Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused": the OS's
        // words are the part after the last colon.
        return root instanceof ConnectException ? message.substring(message.lastIndexOf(':') + 1).strip() : message;
    }

    private static Throwable rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable at = error;
        while ((at instanceof CompletionException || at instanceof BrokerUnavailableException) && at.getCause() != null) {
            at = at.getCause();
        }
        return at;
    }

    /** The server answered, but is not one a node can run on: the message is the sentence that says why. */
    static final class UnfitServer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnfitServer(String problem, Throwable seen) {
            super(problem, seen, false, false);
        }
    }
}
