/**
 * Topic permissions: who may subscribe and publish to which topic, from the user's {@code subscribe} and
 * {@code publish} claims combined with the per-namespace options of the configuration (anonymous
 * subscribe, client publish, personal topics). The rules are tabled in PROTOCOL.md ("Permissions").
 *
 * <p>Plain Java with no Netty types; depends on the auth and config packages only. Everything here is
 * immutable and thread-safe.
 */
package io.crier.gateway.permission;
