/**
 * Gatling 3.15 simulations of Crier, each answering one question (connect storm, broadcast fan-out, chat, slow
 * readers), with parameters from system properties ({@code -Dcrier.*}) printed at start, and assertions that fail
 * the run on a regression; plus the steps they share and the smoke test that runs them all briefly against a node.
 *
 * <p>Depends on Gatling, on the protocol module (commands are its {@code Command} records, checked by its codec;
 * backend payloads come from its {@code PublicationCodec}) and on the gateway's and cluster's test fixtures (tokens,
 * node and Redis processes). Backend publications go to Redis over a plain socket: no Lettuce here.
 *
 * <p>Threading: Gatling runs each virtual user's steps one at a time on its own threads, so per-user state
 * (a {@code DeliveryTally}) lives in the Gatling session unsynchronised; state shared by all users (latency book,
 * rendezvous, backend publisher, stalled readers) is thread-safe, and the publisher and the stalled readers have a
 * thread of their own each, started in {@code before()} and stopped in {@code after()}.
 */
package io.crier.loadtest.gatling;
