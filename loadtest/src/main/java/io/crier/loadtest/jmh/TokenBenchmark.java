package io.crier.loadtest.jmh;

import io.crier.gateway.auth.InvalidTokenException;
import io.crier.gateway.auth.JwtTokenVerifier;
import io.crier.gateway.auth.TestTokens;
import io.crier.gateway.auth.User;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The verification of one client token, in nanoseconds per operation (with {@code -prof gc}, bytes allocated
 * per token): an HS256 token shaped like the ones {@code bench connect} mints (a {@code sub}, one
 * {@code subscribe} pattern, {@code iat} and {@code exp}), checked by the gateway's own {@link JwtTokenVerifier}
 * with every strict rule, as the {@code auth} command does.
 *
 * <p>Thread-safety: the verifier is thread-safe and the token is read-only after set-up, so the benchmark may run
 * with any number of JMH threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenBenchmark {

    /** A verifier and one valid token for it. */
    @State(Scope.Benchmark)
    public static class Token {
        JwtTokenVerifier verifier;
        String token;

        @Setup(Level.Trial)
        public void setUp() throws InvalidTokenException {
            byte[] secret = "a-bench-secret-that-is-at-least-32-bytes-long".getBytes(StandardCharsets.UTF_8);
            verifier = new JwtTokenVerifier(secret, Clock.systemUTC());
            token = TestTokens.hs256(secret, "bench-run-12345", List.of("bench.topic-7"), null, Duration.ofHours(1));
            // Measure the success path only: a refusal would time the wrong code.
            verifier.verify(token);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            verifier.close();
        }
    }

    /** One HS256 token verified: compact form, header and claims read, HMAC checked, claims judged. */
    @Benchmark
    public User verifyHs256(Token state) throws InvalidTokenException {
        return state.verifier.verify(state.token);
    }
}
