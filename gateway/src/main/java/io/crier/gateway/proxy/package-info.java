/**
 * Proxy hooks: the HTTP calls a node makes to the backend before it lets a connection, a subscription, a
 * publication, a renewal or an {@code rpc} command through (PROTOCOL.md §16). {@code HookClient} makes each call
 * (JDK {@code HttpClient}, asynchronous, bounded in time, in size and in concurrency, counted and timed);
 * {@code ProxyHooks} knows which hook a node and a namespace use; {@code SessionHooks} is one session's view, with
 * its own in-flight bound, and {@code HookReplies} and {@code HookUsers} turn answers into replies and users.
 * Plain Java with no Netty types.
 *
 * <p>Depends on the config, auth and metrics packages and on the protocol's {@code HookCodec}. Calls complete on
 * the executor their caller gives (a session's event loop); nothing here blocks.
 */
package io.crier.gateway.proxy;
