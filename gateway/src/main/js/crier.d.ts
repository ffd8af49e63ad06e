// Type declarations for crier.js, the browser (and Node 20+) client of the Crier WebSocket gateway.
// The wire protocol is protocol/PROTOCOL.md; this file is the SDK's public API.

/** A position in a topic's history, as the server reports it. */
export interface Position {
  offset: number;
  epoch: string;
}

/**
 * Gives a token for the `auth` and `refresh` commands; called at connect, on every reconnect (also after the server
 * refused an expired token: close 4004) and on `expiring`.
 */
export type TokenProvider = () => Promise<string> | string;

export interface CrierOptions {
  /**
   * A fixed token, or a provider. Absent = anonymous session (if the server allows it). A fixed token cannot be
   * renewed: once it has expired (close 4004) the client stops, with `error` `token_expired`. Leave it out for a
   * session the node admits without a token: a cookie (or another header) its connect hook checks, or anonymous. Such
   * a session closed with 4004 (past the `expireAt` its connect hook gave) reconnects, and the hook decides again.
   */
  token?: string | TokenProvider;
  /** Any JSON value sent as the `auth` command's `data`, which the node forwards to its connect hook. */
  authData?: unknown;
  /** Backoff: first delay ceiling in ms (default 500). */
  minReconnectDelay?: number;
  /** Backoff: largest delay ceiling in ms (default 20000). */
  maxReconnectDelay?: number;
  /** Backoff: growth per failed attempt (default 2). Delay = random(0, min(max, min * factor^attempt)) (full jitter). */
  reconnectFactor?: number;
  /** Timeout for every command's reply, in ms (default 10000). */
  timeout?: number;
  /** Extra silence tolerated after the server's heartbeat interval before the connection counts as dead, in ms (default 5000). */
  heartbeatGrace?: number;
  /** The WebSocket constructor (default: globalThis.WebSocket). */
  WebSocket?: unknown;
  /** Random source in [0, 1) for the jitter (default Math.random); tests pass their own. */
  random?: () => number;
}

/** What the server said when the session started (the `welcome` push). */
export interface Welcome {
  session: string;
  node: string;
  user?: string;
  heartbeat: number;
}

export interface DisconnectedEvent {
  /**
   * WebSocket close code or the server's `disconnect` code (PROTOCOL.md §9); 1006 when the client gave up itself.
   * 4100-4499 (reconnect) and 4600-4999 (final) are the backend's application codes, with its own `reason`.
   * 4004 (`token_expired`): the client reconnects with a fresh token from the provider, but stops (reconnect false,
   * after an `error` `token_expired`) with a fixed token, or after the provider gave 3 expired tokens in a row.
   */
  code: number;
  /**
   * The server's reason, or the client's own: `closed` (close()), `no_heartbeat` (nothing received for
   * heartbeat + heartbeatGrace), `timeout` (no welcome, or no subscribe reply, in time), `connect_failed`,
   * `token_unavailable`.
   */
  reason: string;
  /** True when the client will try again by itself. */
  reconnect: boolean;
  /** The delay chosen before the next attempt, in ms (when reconnect is true). */
  delay?: number;
}

export interface ConnectingEvent {
  /** 0 for the first attempt, then 1, 2, ... since the last successful connection. */
  attempt: number;
  /** The delay that was waited before this attempt, in ms (0 for the first). */
  delay: number;
}

/**
 * Errors: `code` is the server's error code (PROTOCOL.md §7) or one of `timeout`, `disconnected`, `closed`;
 * also `token_unavailable` (the token provider threw or did not answer within `timeout`), `token_expired` (the
 * server refused an expired token and the client stopped: the token was a fixed one, or the provider gave 3
 * expired tokens in a row; connect() asks the provider again, a fixed token needs a new client), `bad_url` (the
 * WebSocket constructor refused the URL) and `already_subscribed` (thrown by subscribe() for a topic this client
 * already has a subscription to).
 */
export class CrierError extends Error {
  code: string;
  /** The backend's own code (400..1999) when `code` is `refused`: a proxy hook refused the command (PROTOCOL.md §16.2). */
  appCode?: number;
  constructor(code: string, message?: string, appCode?: number);
}

/** One publication as handed to a subscription handler. */
export interface Publication {
  topic: string;
  data: unknown;
  offset?: number;
  epoch?: string;
}

export interface SubscribedEvent {
  topic: string;
  /** True when this was a resubscribe and every missed publication was (or will be) delivered. */
  recovered: boolean;
  /** True after a reconnect (a resubscribe), false for the first subscribe. */
  resubscribed: boolean;
  position?: Position;
  /** True for a server-side subscription (the `subscribed` push); absent for a subscribe() of this client. */
  server?: true;
}

export interface Subscription {
  readonly topic: string;
  /** The last position delivered to the handler, if the topic has history. */
  readonly position: Position | undefined;
  /** Stops delivery and sends `unsubscribe`; resolves when the server answered (or at once when offline). */
  unsubscribe(): Promise<void>;
  /**
   * Events: `subscribed` (SubscribedEvent), `error` (CrierError), `join`/`leave` ({user, session}), `unsubscribed`
   * ({topic}: the server ended this subscription; it is not sent again).
   */
  on(event: 'subscribed', listener: (e: SubscribedEvent) => void): this;
  on(event: 'error', listener: (e: CrierError) => void): this;
  on(event: 'join' | 'leave', listener: (e: { topic: string; user: string; session: string }) => void): this;
  on(event: 'unsubscribed', listener: (e: { topic: string }) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
}

export interface HistoryOptions {
  since?: Position;
  limit?: number;
}

export interface HistoryResult {
  publications: { offset: number; data: unknown }[];
  offset: number;
  epoch: string;
  complete: boolean;
}

export interface PresenceEntry {
  user: string;
  session: string;
  info?: unknown;
}

export type State = 'disconnected' | 'connecting' | 'connected' | 'closed';

export class Crier {
  /** `url` is the WebSocket URL, e.g. `ws://host:8080/ws`; nothing secret goes into it. */
  constructor(url: string, options?: CrierOptions);
  readonly state: State;
  /** The last `welcome` push, while connected. */
  readonly welcome: Welcome | undefined;
  /** Opens the connection (and keeps it open, reconnecting, until close()). */
  connect(): void;
  /** Closes for good: no reconnect; pending promises reject with `closed`. */
  close(): void;
  /** Subscribes now (or as soon as connected) and after every reconnect, resuming from the last position. */
  subscribe(topic: string, handler: (publication: Publication) => void, options?: { since?: Position }): Subscription;
  publish(topic: string, data: unknown): Promise<void>;
  presence(topic: string): Promise<PresenceEntry[]>;
  presenceCount(topic: string): Promise<{ sessions: number; users: number }>;
  history(topic: string, options?: HistoryOptions): Promise<HistoryResult>;
  /** Calls a backend method over the socket (`rpc`); resolves with the reply's data, rejects with a CrierError. */
  rpc(method: string, data?: unknown): Promise<unknown>;
  /** The server-side subscriptions, with their last positions (topics with history). */
  readonly serverTopics: { topic: string; position?: Position }[];
  /**
   * Events: connecting, connected (Welcome), disconnected, error (CrierError), expiring ({in}); subscribed (client
   * and server-side subscriptions), unsubscribed ({topic}: the server ended one), publication (a publication on a
   * server-side subscription).
   */
  on(event: 'connecting', listener: (e: ConnectingEvent) => void): this;
  on(event: 'connected', listener: (e: Welcome) => void): this;
  on(event: 'disconnected', listener: (e: DisconnectedEvent) => void): this;
  on(event: 'error', listener: (e: CrierError) => void): this;
  on(event: 'expiring', listener: (e: { in: number }) => void): this;
  on(event: 'subscribed', listener: (e: SubscribedEvent) => void): this;
  on(event: 'unsubscribed', listener: (e: { topic: string }) => void): this;
  on(event: 'publication', listener: (publication: Publication) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
}

/** The full-jitter backoff the client uses: a whole number of ms in [0, min(max, min * factor^retry)]. */
export function backoff(retry: number, limits: { min: number; max: number; factor: number }, random?: () => number): number;

export default Crier;
