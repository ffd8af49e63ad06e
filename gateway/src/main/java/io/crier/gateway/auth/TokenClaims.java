package io.crier.gateway.auth;

import io.crier.protocol.StrictJson;
import io.crier.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims of a token to be signed ({@link TokenSigner}), and every reason a node would refuse them, by the
 * node's own rules: the {@code sub} rule of {@link ClaimChecks}, the pattern rule of {@link TopicPatterns}, an
 * {@code info} that is one strict JSON value, and a lifetime in whole seconds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subject   {@code sub}: the user
 * @param subscribe the {@code subscribe} patterns; empty leaves the claim out (nothing may be subscribed to)
 * @param publish   the {@code publish} patterns; empty leaves the claim out (nothing may be published to)
 * @param ttl       the lifetime: {@code exp} is the signing time plus this; whole seconds, from
 *                  1s to {@link #MAX_TTL}
 * @param info      the {@code info} claim (presence) as JSON text, written into the token as it is; {@code null}
 *                  leaves it out
 * @param issuer    {@code iss}; empty or {@code null} leaves it out
 * @param audience  {@code aud}, a single string; empty or {@code null} leaves it out
 */
public record TokenClaims(String subject, List<String> subscribe, List<String> publish, Duration ttl, String info,
                          String issuer, String audience) {

    /** The longest lifetime: about a hundred years, for service tokens; far from any overflow of {@code exp}. */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);

    public TokenClaims {
        subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
        publish = publish == null ? List.of() : List.copyOf(publish);
        issuer = issuer == null ? "" : issuer;
        audience = audience == null ? "" : audience;
    }

    /** Every reason a node would refuse a token with these claims, one line each, naming the claim; empty if none. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (subject == null) {
            problems.add("sub: required: the user the token is for");
        } else if (!ClaimChecks.isValidSubject(subject)) {
            problems.add("sub: must be 1 to " + JwtTokenVerifier.MAX_SUBJECT_LENGTH + " characters, not all blank, with"
                    + " no control character, line or paragraph separator or unpaired surrogate (nodes refuse any other)");
        }
        checkPatterns(problems, "subscribe", subscribe);
        checkPatterns(problems, "publish", publish);
        checkTtl(problems);
        if (info != null) {
            checkInfo(problems);
        }
        return problems;
    }

    private static void checkPatterns(List<String> problems, String claim, List<String> patterns) {
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            if (!TopicPatterns.isWellFormed(pattern)) {
                problems.add(claim + ": " + shown(pattern, i) + " is neither a topic name nor a prefix ending in one *"
                        + " (topics are 1 to " + Topics.MAX_LENGTH + " of A-Z a-z 0-9 _ - . : @ =): nodes never match it");
            }
        }
    }

    /** The pattern itself when it is short printable ASCII, else only its place (it may hold terminal controls). */
    private static String shown(String pattern, int index) {
        boolean printable = pattern != null && !pattern.isEmpty() && pattern.length() <= Topics.MAX_LENGTH
                && pattern.chars().allMatch(c -> c > ' ' && c < 0x7F);
        return printable ? "pattern " + pattern : "pattern " + (index + 1) + " (not shown: empty, longer than "
                + Topics.MAX_LENGTH + " characters, or not printable ASCII)";
    }

    private void checkTtl(List<String> problems) {
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add("ttl: must be at least 1s: a token with no lifetime has expired when it is made");
        } else if (ttl.compareTo(MAX_TTL) > 0) {
            problems.add("ttl: must be at most " + MAX_TTL.toDays() + "d (about a hundred years)");
        } else if (ttl.toNanosPart() != 0) {
            problems.add("ttl: must be whole seconds (exp is a number of seconds)");
        }
    }

    private void checkInfo(List<String> problems) {
        byte[] json = info.getBytes(StandardCharsets.UTF_8);
        if (!StrictJson.isValue(json)) {
            problems.add("info: must be one JSON value, read as strictly as a frame (double-quoted names and strings,"
                    + " no duplicate name, nothing after the value), e.g. '{\"name\":\"Alice\"}'");
        } else if (!StrictJson.isObject(("{\"info\":" + info + "}").getBytes(StandardCharsets.UTF_8))) {
            // One value, so it cannot spill out of the object; what is left is the nesting bound.
            problems.add("info: nested deeper than nodes read a token's payload (the payload itself is one level)");
        }
    }
}
