/**
 * Authentication and authorization of clients: verifying JWTs (HS256/384/512, RS256/384/512, ES256/384)
 * into a {@link io.crier.gateway.auth.User}, the keys that may sign them (HMAC secrets, PEM public keys,
 * a JWKS URL refreshed in the background), the topic patterns of the {@code subscribe} and {@code publish}
 * claims, the development-mode token issuer, and the signing side for the token tool ({@code TokenSigner},
 * {@code TokenClaims}, {@code PrivateKeys}), which applies the same rules so that it signs only what a node accepts.
 *
 * <p>Depends on java-jwt (its public API only: signing, and verifying RSA and EC signatures), the JDK's crypto and
 * HTTP client, Micrometer, and the protocol module's topic rules, its strict JSON reading
 * ({@code StrictJsonObject}, by the rules of {@code StrictJson.isObject}: {@code CompactJws} reads every token's
 * header and payload with it, once, and keeps the last header read with its bytes for the next token whose header
 * bytes are the same) and its {@code JwksCodec}, which reads JWKS documents by the same strict rules;
 * no Netty and no Jackson. Everything here is immutable or thread-safe, so one verifier
 * serves every event loop, and nothing here blocks an event loop: JWKS fetches run on their own daemon thread.
 */
package io.crier.gateway.auth;
