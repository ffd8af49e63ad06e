package io.crier.gateway.tools;

import io.crier.gateway.config.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The command line of {@link TokenTool}, read into its options, with every problem of the line itself (an unknown
 * option, a missing value, an option given twice, a duration that is not one). Options take their value as the next
 * argument or after {@code =} ({@code --ttl 1h}, {@code --ttl=1h}); {@code --subscribe} and {@code --publish} may be
 * repeated and take comma-separated patterns. What the values mean is checked later, by the token's own rules.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sub       {@code --sub}, or {@code null}
 * @param subscribe the {@code --subscribe} patterns, in order
 * @param publish   the {@code --publish} patterns, in order
 * @param ttl       {@code --ttl}, {@link #DEFAULT_TTL} when not given, {@code null} when it is not a duration
 * @param ttlText   {@code --ttl} as given, or the default's text
 * @param info      {@code --info}, or {@code null}
 * @param iss       {@code --iss}, or {@code null}
 * @param aud       {@code --aud}, or {@code null}
 * @param kid       {@code --kid}, or {@code null}
 * @param alg       {@code --alg}, or {@code null}
 * @param key       {@code --key}, or {@code null}
 * @param config    {@code --config}, or {@code null}
 * @param help      whether {@code --help} (or {@code -h}) was given
 * @param problems  what is wrong with the line, one line each
 * @param faulty    the options that have a problem in {@code problems}, so that their value's own checks need not
 *                  report them again
 */
record TokenToolOptions(String sub, List<String> subscribe, List<String> publish, Duration ttl, String ttlText,
                        String info, String iss, String aud, String kid, String alg, Path key, Path config,
                        boolean help, List<String> problems, Set<String> faulty) {

    /** The lifetime of a token when {@code --ttl} is not given. */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    static final String DEFAULT_TTL_TEXT = "1h";

    /** Every option, in the order the usage lists them. */
    static final List<String> NAMES = List.of("--sub", "--subscribe", "--publish", "--ttl", "--info", "--iss",
            "--aud", "--kid", "--alg", "--key", "--config", "--help");

    private static final List<String> REPEATABLE = List.of("--subscribe", "--publish");

    TokenToolOptions {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
        problems = List.copyOf(problems);
        faulty = Set.copyOf(faulty);
    }

    /** Reads {@code args}; never throws for a bad line, which is reported in {@link #problems()}. */
    static TokenToolOptions parse(String... args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, List<String>> repeated = Map.of("--subscribe", new ArrayList<>(), "--publish", new ArrayList<>());
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            if ("--help".equals(arg) || "-h".equals(arg)) {
                help = true;
            } else if ("--help".equals(name)) {
                problems.add("--help takes no value");
            } else if (!NAMES.contains(name)) {
                problems.add((arg.startsWith("-") ? "unknown option " : "unexpected argument ") + shown(name)
                        + "; the options are " + String.join(" ", NAMES));
            } else {
                String value;
                if (equals > 0 && arg.startsWith("--")) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.length && !isOption(args[i + 1])) {
                    value = args[++i];
                } else {
                    problems.add(name + " needs a value");
                    continue;
                }
                take(name, value, single, repeated, problems);
            }
        }
        return build(single, repeated, help, problems);
    }

    private static void take(String name, String value, Map<String, String> single,
                             Map<String, List<String>> repeated, List<String> problems) {
        if (REPEATABLE.contains(name)) {
            // A comma is no topic character, so splitting on it cannot cut a pattern; blanks around it are dropped.
            Arrays.stream(value.split(",", -1)).map(String::strip).forEach(repeated.get(name)::add);
        } else if (value.isEmpty()) {
            problems.add(name + " needs a value");
        } else if (single.putIfAbsent(name, value) != null) {
            problems.add(name + " is given twice");
        }
    }

    private static TokenToolOptions build(Map<String, String> single, Map<String, List<String>> repeated,
                                          boolean help, List<String> problems) {
        String ttlText = single.getOrDefault("--ttl", DEFAULT_TTL_TEXT);
        Duration ttl = Durations.parse(ttlText).orElse(null);
        if (ttl == null) {
            problems.add("--ttl: not a duration: " + shown(ttlText) + " (use e.g. 30s, 15m, 1h, 7d)");
        }
        Path key = path("--key", single, problems);
        Path config = path("--config", single, problems);
        return new TokenToolOptions(single.get("--sub"), repeated.get("--subscribe"), repeated.get("--publish"), ttl,
                ttlText, single.get("--info"), single.get("--iss"), single.get("--aud"), single.get("--kid"),
                single.get("--alg"), key, config, help, problems, faulty(problems));
    }

    /** The options a problem of the line is about: each such problem starts with the option's name. */
    private static Set<String> faulty(List<String> problems) {
        Set<String> faulty = new TreeSet<>();
        for (String problem : problems) {
            NAMES.stream().filter(name -> problem.startsWith(name + " ") || problem.startsWith(name + ":"))
                    .forEach(faulty::add);
        }
        return faulty;
    }

    private static Path path(String name, Map<String, String> single, List<String> problems) {
        String value = single.get(name);
        try {
            return value == null ? null : Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(name + ": not a file path: " + shown(value));
            return null;
        }
    }

    /**
     * {@code text} for a message: each character outside printable ASCII written as a Java unicode escape, so that
     * a typo holding a terminal control cannot act on the terminal; cut after 80 characters.
     */
    static String shown(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 80; i++) {
            char c = text.charAt(i);
            out.append(c >= ' ' && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return text.length() > 80 ? out + "..." : out.toString();
    }

    /** Whether {@code arg} is one of the options (so not the value of the one before it). */
    private static boolean isOption(String arg) {
        int equals = arg.indexOf('=');
        return NAMES.contains(equals > 0 ? arg.substring(0, equals) : arg) || "-h".equals(arg);
    }
}
