/**
 * What the node's outgoing HTTP calls (JWKS fetches, proxy hooks) share on top of the JDK {@code HttpClient}: a body
 * reader bounded in size. Plain Java.
 */
package io.crier.gateway.httpclient;
