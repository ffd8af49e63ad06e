package io.crier.gateway.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HAProxy configuration file as the deploy tests read it: its sections ({@code global}, {@code defaults},
 * {@code frontend NAME}, {@code backend NAME}, {@code listen NAME}, ...) with their directive lines, comments
 * dropped, and HAProxy's time format. Only reading: {@code haproxy -c} is what proves the file valid.
 * Immutable; thread-safe.
 */
final class HaproxyCfg {

    private static final Pattern TIME = Pattern.compile("(\\d+)(us|ms|s|m|h|d)?");
    private static final Pattern ENV_DEFAULT = Pattern.compile("\"?\\$\\{([A-Z0-9_]+)-([^}]*)}\"?");

    private final Path file;
    private final Map<String, List<String>> sections;

    private HaproxyCfg(Path file, Map<String, List<String>> sections) {
        this.file = file;
        this.sections = sections;
    }

    static HaproxyCfg parse(Path file) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : DeployTree.read(file).split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!Character.isWhitespace(raw.charAt(0))) {
                current = new ArrayList<>();
                sections.put(line.replaceAll("\\s+", " "), current);
            } else if (current == null) {
                throw new AssertionError(file + ": a directive before any section: " + line);
            } else {
                current.add(line.replaceAll("\\s+", " "));
            }
        }
        return new HaproxyCfg(file, Map.copyOf(sections));
    }

    Path file() {
        return file;
    }

    /** The section headers, e.g. {@code backend crier_nodes}. */
    List<String> sectionHeaders() {
        return List.copyOf(sections.keySet());
    }

    /** The headers of the sections of one kind ({@code backend}, {@code frontend}, {@code listen}). */
    List<String> sectionsOf(String kind) {
        return sections.keySet().stream().filter(header -> header.startsWith(kind + " ")).sorted().toList();
    }

    /** The directive lines of a section, whitespace collapsed. */
    List<String> lines(String header) {
        List<String> lines = sections.get(header);
        if (lines == null) {
            throw new AssertionError(file + ": no section '" + header + "'; sections: " + sections.keySet());
        }
        return lines;
    }

    /** The first line of a section that starts with {@code prefix} (a directive and its first words). */
    Optional<String> line(String header, String prefix) {
        return lines(header).stream().filter(line -> line.equals(prefix) || line.startsWith(prefix + " ")).findFirst();
    }

    /** What follows {@code prefix} on its line in a section. */
    Optional<String> value(String header, String prefix) {
        return line(header, prefix).map(line -> line.substring(prefix.length()).strip());
    }

    /** The value after {@code keyword} among a line's words ({@code inter} in a default-server line). */
    static Optional<String> option(String line, String keyword) {
        String[] words = line.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(keyword)) {
                return Optional.of(words[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** An HAProxy time ({@code 1h}, {@code 30s}, {@code 500ms}; a bare number is milliseconds). */
    static Duration time(String value) {
        Matcher m = TIME.matcher(value);
        if (!m.matches()) {
            throw new AssertionError("not an HAProxy time: " + value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The variable name of an address written as {@code "${NAME-default}"}, or empty for a literal. */
    static Optional<String> variable(String address) {
        Matcher m = ENV_DEFAULT.matcher(address);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The default of an address written as {@code "${NAME-default}"}, or the literal itself. */
    static String defaultOf(String address) {
        Matcher m = ENV_DEFAULT.matcher(address);
        return m.matches() ? m.group(2) : address;
    }
}
