/**
 * The node's configuration: one immutable record tree ({@link io.crier.gateway.config.CrierConfig}) and
 * the one loader that reads it from bundled defaults, a file and {@code CRIER_*} environment variables.
 * Record constructors validate their fields and report every problem by key path.
 *
 * <p>Depends on the cluster module only for {@code RedisConfig} and {@code HistoryOptions}, and on the
 * protocol module only for topic characters; no Netty, no other gateway package.
 * Everything here is immutable or stateless and thread-safe; loading happens once, at startup.
 */
package io.crier.gateway.config;
