package io.crier.gateway;

import io.crier.gateway.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The node's command line: {@code [--config FILE]} (or {@code --config=FILE}), or {@code --help}. Everything else
 * is a mistake that gets a message naming it and saying where settings go instead: every setting is a
 * configuration key, set in the file or through its {@code CRIER_*} environment variable, and a flag that looks like
 * a key ({@code --port}, {@code --server.port=9000}) is answered with the variables that would set it.
 *
 * <p>Immutable; thread-safe.
 *
 * @param configFile the file given with {@code --config}, or {@code null}
 * @param help       whether {@code --help} was asked for
 * @param error      what is wrong with the command line, or {@code null}
 */
record CommandLine(Path configFile, boolean help, String error) {

    static final String USAGE = """
            usage: java -jar crier-gateway.jar [--config FILE]
              --config FILE  a properties file of configuration keys (server.port=9000), over the bundled defaults
              --help         this text
            Every setting is a configuration key; each can also be set by an environment variable, which wins over
            the file: server.port -> CRIER_SERVER_PORT, redis.uri -> CRIER_REDIS_URI (all keys: docs/configuration.md).
            """;

    /** Reads {@code args}. */
    static CommandLine parse(String[] args) {
        if (args.length == 0) {
            return new CommandLine(null, false, null);
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            return new CommandLine(null, true, null);
        }
        if (args.length == 2 && "--config".equals(args[0]) && !args[1].isBlank()) {
            return new CommandLine(Path.of(args[1]), false, null);
        }
        if (args.length == 1 && args[0].startsWith("--config=") && args[0].length() > "--config=".length()) {
            return new CommandLine(Path.of(args[0].substring("--config=".length())), false, null);
        }
        return new CommandLine(null, false, mistake(args));
    }

    private static String mistake(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                i++; // its FILE
                continue;
            }
            if (arg.startsWith("--config=")) {
                continue;
            }
            String name = arg.replaceFirst("^-+", "");
            int equals = name.indexOf('=');
            String flag = equals < 0 ? name : name.substring(0, equals);
            String value = equals < 0 ? "..." : name.substring(equals + 1);
            List<String> keys = keysLike(flag);
            String hint = keys.isEmpty() ? "" : " To set " + String.join(" or ", keys) + ", use "
                    + String.join(" or ", keys.stream().map(key -> ConfigLoader.envName(key) + "=" + value).toList())
                    + " (or the key in the --config file).";
            return "unknown argument " + arg + ": the node takes only --config FILE." + hint;
        }
        return "--config needs exactly one FILE";
    }

    /** The configuration keys a flag probably meant: the key itself, or the keys whose last part it names. */
    private static List<String> keysLike(String flag) {
        String wanted = flag.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        List<String> keys = new ConfigLoader().keys();
        List<String> exact = keys.stream().filter(key -> key.toLowerCase(Locale.ROOT).equals(wanted)).toList();
        if (!exact.isEmpty()) {
            return exact;
        }
        return keys.stream().filter(key -> {
            String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            return !wanted.isEmpty() && last.equals(wanted);
        }).limit(4).toList();
    }
}
