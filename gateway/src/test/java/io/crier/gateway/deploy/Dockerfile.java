package io.crier.gateway.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile as the deploy tests read it: its instructions in order, continuation lines joined, comments
 * and parser directives dropped. Immutable; thread-safe.
 */
final class Dockerfile {

    /** One instruction: {@code FROM}, {@code USER}, ... and the rest of its (joined) line. */
    record Instruction(String keyword, String arguments) {
    }

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String joined = pending.toString().strip();
            pending.setLength(0);
            int space = joined.indexOf(' ');
            instructions.add(new Instruction(joined.substring(0, space).toUpperCase(Locale.ROOT),
                    joined.substring(space + 1).strip()));
        }
        return new Dockerfile(instructions);
    }

    /** The arguments of every instruction with this keyword, in order. */
    List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The arguments of the last instruction with this keyword (the one in force in the final stage). */
    String last(String keyword) {
        List<String> all = all(keyword);
        if (all.isEmpty()) {
            throw new AssertionError("the Dockerfile has no " + keyword);
        }
        return all.get(all.size() - 1);
    }

    /** The shell command of the HEALTHCHECK (after its options and CMD). */
    String healthCheckCommand() {
        String healthCheck = last("HEALTHCHECK");
        int cmd = healthCheck.indexOf(" CMD ");
        if (cmd < 0) {
            throw new AssertionError("HEALTHCHECK without CMD: " + healthCheck);
        }
        return healthCheck.substring(cmd + " CMD ".length()).strip();
    }
}
