/**
 * Integration tests that run the JavaScript side (crier.js and the demo page) with Node's test runner, against
 * real nodes: the fleet and control fixtures they need, and the runner of {@code node --test}. Test code only; may
 * depend on the gateway's and the cluster's test fixtures and on the JDK's HTTP server. Each class states its own
 * threading.
 */
package io.crier.gateway.browser;
