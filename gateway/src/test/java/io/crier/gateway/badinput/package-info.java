/**
 * The bad-input suite, split by phase (handshake, PROXY protocol, tokens, frames, commands, floods), each class on a node of its
 * own ({@link io.crier.gateway.badinput.BadInputNode}, which also checks the witness, readiness and leaks), and
 * its helpers: a raw socket WebSocket client that can break every framing rule, hostile token minting, and a
 * watch on Netty's leak detector. Test code only; may depend on the gateway, its test fixtures, Netty, java-jwt
 * and logback. Each helper states its own threading.
 */
package io.crier.gateway.badinput;
