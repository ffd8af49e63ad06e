package io.crier.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HmacAlgorithmTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes();

    @Test
    void verifiesWhatJavaJwtSignsForEachHashAndRefusesAnyOtherSignature() {
        check(HmacAlgorithm::hs256, Algorithm.HMAC256(SECRET));
        check(HmacAlgorithm::hs384, Algorithm.HMAC384(SECRET));
        check(HmacAlgorithm::hs512, Algorithm.HMAC512(SECRET));
    }

    private static void check(Function<byte[], HmacAlgorithm> ours, Algorithm theirs) {
        HmacAlgorithm algorithm = ours.apply(SECRET.clone());
        assertEquals(theirs.getName(), algorithm.getName());
        String token = JWT.create().withSubject("alice").sign(theirs);
        algorithm.verify(JWT.decode(token));

        String signature = token.substring(token.lastIndexOf('.') + 1);
        char last = signature.charAt(0) == 'A' ? 'B' : 'A';
        String tampered = token.substring(0, token.lastIndexOf('.') + 1) + last + signature.substring(1);
        assertThrows(SignatureVerificationException.class, () -> algorithm.verify(JWT.decode(tampered)));

        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        assertThrows(SignatureVerificationException.class, () -> ours.apply(otherSecret).verify(JWT.decode(token)));

        String truncated = token.substring(0, token.length() - 4);
        assertThrows(SignatureVerificationException.class, () -> algorithm.verify(JWT.decode(truncated)));
    }

    @Test
    void signsAsJavaJwtDoes() {
        byte[] content = "header.payload".getBytes();
        assertArrayEquals(Algorithm.HMAC256(SECRET).sign(content), HmacAlgorithm.hs256(SECRET.clone()).sign(content));
    }

    @Test
    void threadsVerifyAtOnceWithoutDisturbingEachOther() throws Exception {
        HmacAlgorithm algorithm = HmacAlgorithm.hs256(SECRET.clone());
        List<DecodedJWT> tokens = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tokens.add(JWT.decode(JWT.create().withSubject("user-" + i).sign(Algorithm.HMAC256(SECRET))));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Callable<Integer> verifyAll = () -> {
                for (DecodedJWT token : tokens) {
                    algorithm.verify(token);
                }
                return tokens.size();
            };
            List<Future<Integer>> results = threads.invokeAll(Arrays.asList(verifyAll, verifyAll, verifyAll,
                    verifyAll));
            for (Future<Integer> result : results) {
                assertEquals(200, result.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
