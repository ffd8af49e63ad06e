/**
 * The wire protocol, v1: the JSON envelopes a client and a node exchange (commands, replies and
 * pushes), the broker payloads (publications, with their positions, and presence events), topic-name
 * rules, the stable error and close codes, and the JSON of the HTTP APIs (publish, the cluster view's
 * {@link io.crier.protocol.NodeInfo} records). It also holds the JSON of the HTTP publish API
 * ({@code PublishApiCodec}, which reads {@code PublishApiRequest}s of {@code PublishApiItem}s and writes
 * {@code PublishApiResult}s and {@code PublishApiError}s), and reads the JWKS documents of identity providers
 * ({@code JwksCodec}, into a {@code JwkSet} of {@code Jwk}s) for the gateway's token keys.
 * {@link io.crier.protocol.StrictJson} holds the strict JSON reading every codec uses, and offers it to the
 * gateway for JSON it reads by other means; {@link io.crier.protocol.StrictJsonObject} reads such an object (a
 * token's header and payload) by the same rules into plain Java values, in one pass.
 * PROTOCOL.md in this module is the specification; golden files in the tests pin every envelope.
 *
 * <p>Depends on Jackson's streaming API only (no databind on the hot paths) and on nothing else in
 * Crier: {@code cluster} and {@code gateway} depend on it, never the reverse, and it has no Netty or
 * Lettuce types. The codecs decode from and encode to plain {@code byte[]} holding UTF-8.
 *
 * <p>Threading: every type here is immutable or stateless, so any thread may use it. A codec keeps
 * no per-call state, so one instance per node serves every event loop; {@code EnvelopeCodec} and
 * {@code PublicationCodec} write through a JSON generator and buffer kept per thread ({@code JsonOutput},
 * bounded), which no call shares with another.
 */
package io.crier.protocol;
