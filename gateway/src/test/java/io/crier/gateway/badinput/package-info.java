/**
 * Helpers of the bad-input suite ({@code io.crier.gateway.BadInputIT}): a raw socket WebSocket client that can
 * break every framing rule, hostile token minting, and a watch on Netty's leak detector. Test code only; may
 * depend on the gateway, its test fixtures, Netty, java-jwt and logback. Each helper states its own threading.
 */
package io.crier.gateway.badinput;
