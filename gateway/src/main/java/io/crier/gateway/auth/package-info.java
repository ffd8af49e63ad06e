/**
 * Authentication and authorization of clients: verifying HS256 tokens into a
 * {@link io.crier.gateway.auth.User}, the topic patterns of its {@code subscribe} and {@code publish}
 * claims, and the development-mode token issuer.
 *
 * <p>Depends on java-jwt and the protocol module's topic rules; no Netty. Everything here is immutable
 * and thread-safe, so one verifier serves every event loop.
 */
package io.crier.gateway.auth;
