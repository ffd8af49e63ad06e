package io.crier.gateway.tools;

import io.crier.gateway.auth.TokenClaims;
import io.crier.gateway.auth.TokenSigner;
import io.crier.gateway.config.AuthConfig;
import io.crier.gateway.config.ConfigLoader;
import io.crier.gateway.config.CrierConfig;
import io.crier.gateway.config.InvalidConfigException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token tool, {@code deploy/bin/token}: signs one token for a node, with the node's {@code auth.hmacSecret}
 * read exactly as the node reads it ({@link ConfigLoader}: bundled defaults, {@code --config FILE}, then
 * {@code CRIER_*} variables) or with a private key file, after checking the claims by the node's own rules
 * ({@link TokenClaims}). It prints the token, and nothing else, on standard output; everything else goes to
 * standard error. Exit status: 0, or 2 with one line per problem. Runs on the main thread only.
 */
public final class TokenTool {

    static final String USAGE = """
            Usage: deploy/bin/token --sub USER [--subscribe PATTERNS] [--publish PATTERNS] [--ttl DURATION]
                                    [--info JSON] [--iss ISSUER] [--aud AUDIENCE] [--kid KID] [--alg ALG]
                                    [--key FILE] [--config FILE]
            Prints one signed token (a JWT) for Crier nodes on standard output, and nothing else there; the
            rest goes to standard error. Exits 0, or 2 with one line per problem.

              --sub USER             the user, the sub claim (required): 1 to 256 characters, no control
                                     character
              --subscribe PATTERNS   the topics the user may subscribe to: a topic name (chat:lobby), or a
                                     prefix and one * (chat:*; * alone is every topic); repeat the option or
                                     separate patterns with commas. Without it: no topic
              --publish PATTERNS     the topics the user may publish to, the same way
              --ttl DURATION         how long the token is valid: 30s, 15m, 1h, 7d, up to 36500d (default 1h)
              --info JSON            the presence info claim, one JSON value: --info '{"name":"Alice"}'
              --iss ISSUER           the iss claim (default: the node's auth.issuer, which it must equal)
              --aud AUDIENCE         the aud claim (default: the node's auth.audience, which it must equal)
              --kid KID              the kid header: a node then verifies with the file of auth.publicKeyFiles
                                     named KID plus an extension; without it, with every key that fits the alg
              --alg ALG              HS256 (the default), HS384 (a secret of 48 bytes or more), HS512 (64 or
                                     more); with --key: RS256 (the default for RSA), RS384, RS512, or the
                                     ES256 or ES384 of the key's curve (P-256 or P-384)
              --key FILE             sign with this private key instead of auth.hmacSecret: an unencrypted
                                     PKCS#8 PEM file (BEGIN PRIVATE KEY, as openssl genpkey writes); its public
                                     key goes in the node's auth.publicKeyFiles
              --config FILE          the node's config file
              --help                 this text

            Without --key the token is signed with auth.hmacSecret, read as a node reads it: the bundled
            defaults, then the --config file, then the CRIER_* environment variables (CRIER_AUTH_HMAC_SECRET).
            The secret is used as the literal UTF-8 bytes of its text, never decoded from base64 or hex.

            Example:
              CRIER_AUTH_HMAC_SECRET=... deploy/bin/token --sub alice --subscribe 'chat:*' --publish 'chat:*' --ttl 1h
            """;

    static final String NO_SECRET = "no key to sign with: auth.hmacSecret is not set. Set it as the node's is set "
            + "(CRIER_AUTH_HMAC_SECRET in the environment, or auth.hmacSecret in the file given with --config), or "
            + "sign with --key FILE, a private key whose public key is in the node's auth.publicKeyFiles. (A node "
            + "with no key at all runs in development mode and hands out its own tokens at /dev/token.)";

    private TokenTool() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, Clock.systemUTC()));
    }

    /**
     * Runs the tool.
     *
     * @param env the environment the configuration is read from, normally {@link System#getenv()}
     * @param out where the token goes (only the token, and {@code --help})
     * @param err where everything else goes
     * @return the exit status: 0, or 2 on any problem
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        TokenToolOptions options = TokenToolOptions.parse(args);
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        List<String> problems = new ArrayList<>(options.problems());
        CrierConfig config = config(options, env, problems);
        TokenSigner signer = signer(options, config, problems);
        TokenClaims claims = claims(options, config, problems);
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("token: " + problem));
            return 2;
        }
        Instant now = clock.instant();
        String token;
        try {
            token = signer.sign(claims, now);
        } catch (IllegalArgumentException e) {
            // Only the length remains to be refused here: every claim was checked above.
            err.println("token: " + e.getMessage());
            return 2;
        }
        out.println(token);
        Instant expires = Instant.ofEpochSecond(now.plus(claims.ttl()).getEpochSecond());
        err.println("token: signed " + signer.alg() + " with " + signer.origin() + " for sub " + claims.subject()
                + ", valid " + options.ttlText() + ", until " + expires);
        return 0;
    }

    /** The node's configuration, read as the node reads it; {@code null} when it is invalid (then reported). */
    private static CrierConfig config(TokenToolOptions options, Map<String, String> env, List<String> problems) {
        try {
            return new ConfigLoader().load(options.config(), env);
        } catch (InvalidConfigException e) {
            e.problems().forEach(problem -> problems.add("config: " + problem));
            return null;
        }
    }

    /** The signer the options ask for, or {@code null} when they cannot have one (then reported). */
    private static TokenSigner signer(TokenToolOptions options, CrierConfig config, List<String> problems) {
        String alg = options.alg();
        if (alg != null && !TokenSigner.ALGORITHMS.contains(alg)) {
            problems.add("--alg: " + TokenToolOptions.shown(alg) + " is not one that nodes verify ("
                    + String.join(", ", TokenSigner.ALGORITHMS) + ")");
            return null;
        }
        boolean hmac = alg == null || alg.startsWith("HS");
        if (options.key() != null && alg != null && hmac) {
            problems.add("--alg " + alg + " signs with auth.hmacSecret, not with --key: drop one of them");
        } else if (options.key() == null && !hmac) {
            problems.add("--alg " + alg + " needs --key FILE, the private key to sign with");
        } else if (options.key() != null) {
            return keySigner(options, problems);
        } else if (config != null) {
            return secretSigner(options, config.auth(), problems);
        }
        return null;
    }

    private static TokenSigner keySigner(TokenToolOptions options, List<String> problems) {
        try {
            return TokenSigner.privateKey(options.key(), options.alg(), options.kid());
        } catch (IllegalArgumentException e) {
            // The message starts with the file: "--key FILE: why".
            problems.add("--key " + e.getMessage());
            return null;
        }
    }

    private static TokenSigner secretSigner(TokenToolOptions options, AuthConfig auth, List<String> problems) {
        if (auth.hmacSecret().isEmpty()) {
            problems.add(NO_SECRET);
            return null;
        }
        try {
            return TokenSigner.hmac(auth.hmacSecretBytes(), "auth.hmacSecret", options.alg(), options.kid());
        } catch (IllegalArgumentException e) {
            // The secret is too short for the --alg asked (the config itself already holds 32 bytes or more).
            problems.add("--alg: " + e.getMessage());
            return null;
        }
    }

    private static TokenClaims claims(TokenToolOptions options, CrierConfig config, List<String> problems) {
        String iss = claimOrConfigured("--iss", options.iss(), config == null ? "" : config.auth().issuer(),
                "auth.issuer", problems);
        String aud = claimOrConfigured("--aud", options.aud(), config == null ? "" : config.auth().audience(),
                "auth.audience", problems);
        TokenClaims claims = new TokenClaims(options.sub(), options.subscribe(), options.publish(), options.ttl(),
                options.info(), iss, aud);
        // Each problem starts with the claim's name, which is also its option's; an option whose value the line
        // already lacked (--sub with no value, a --ttl that is no duration) is reported once, by the line.
        for (String problem : claims.problems()) {
            String option = "--" + problem.substring(0, problem.indexOf(':'));
            if (!options.faulty().contains(option)) {
                problems.add("--" + problem);
            }
        }
        return claims;
    }

    /** The value of {@code iss} or {@code aud}: the option's, else the node's; a node refuses any other than its. */
    private static String claimOrConfigured(String option, String given, String configured, String key,
                                            List<String> problems) {
        if (given == null) {
            return configured;
        }
        if (!configured.isEmpty() && !configured.equals(given)) {
            problems.add(option + ": the node requires " + configured + " (" + key + "); leave " + option
                    + " out to use it");
        }
        return given;
    }
}
