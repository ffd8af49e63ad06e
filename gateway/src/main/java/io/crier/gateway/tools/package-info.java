/**
 * Command-line tools that ship in the gateway's jar and run beside a node, not in it: {@code TokenTool}
 * ({@code deploy/bin/token}) signs a token for the node's users. They read the configuration through the one
 * loader ({@code config.ConfigLoader}) and reuse the node's own rules ({@code auth}), so that what they accept is
 * what a node accepts.
 *
 * <p>May depend on {@code config} and {@code auth}; no Netty. Each tool runs on its caller's (the main) thread and
 * keeps no state between runs.
 */
package io.crier.gateway.tools;
