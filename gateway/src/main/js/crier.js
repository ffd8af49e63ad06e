// crier.js: the browser (and Node 20+) client of the Crier WebSocket gateway. An ES module with no
// dependencies. The wire protocol is protocol/PROTOCOL.md; the public API is crier.d.ts.
//
// One Crier object keeps one WebSocket open until close(): it authenticates with the `auth` command,
// reconnects with exponential backoff and full jitter, resubscribes every topic from its last position,
// and answers the server's `expiring` push with a `refresh`. Everything runs on the caller's event loop.

/** An error with a stable `code`: a server error code (PROTOCOL.md §7) or the client's own (see crier.d.ts). */
export class CrierError extends Error {
  /**
   * @param {string} code the stable code to program against
   * @param {string} [message] for humans
   * @param {number} [appCode] the backend's own code, on a `refused` error (PROTOCOL.md §16.2)
   */
  constructor(code, message, appCode) {
    super(message || code);
    this.name = 'CrierError';
    this.code = code;
    if (appCode !== undefined) this.appCode = appCode;
  }
}

/**
 * The full-jitter exponential backoff: a random delay in [0, min(max, min * factor^retry)] ms.
 * @param {number} retry 0 for the first retry after a success, then 1, 2, ...
 * @param {{min: number, max: number, factor: number}} limits
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} the delay in whole milliseconds
 */
export function backoff(retry, { min, max, factor }, random = Math.random) {
  return Math.floor(random() * Math.min(max, min * Math.pow(factor, retry)));
}

// Close codes after which reconnecting with the same behaviour cannot help (PROTOCOL.md §9): broken frames.
// 4500-4999 (Crier's 4500-4599: invalid token, auth timeout, command flood; the backend's application codes
// 4600-4999) are tested by range; 4000-4499 (Crier's 4000-4099, application codes 4100-4499) reconnect.
const FATAL_CLOSES = [1002, 1003, 1007, 1008, 1009];
// The token expired, at `auth` or while connected (PROTOCOL.md §9): a provider may give a fresh one, a fixed token
// cannot be renewed.
const TOKEN_EXPIRED = 4004;
// Expired tokens in a row from the provider (refused at `auth`, with no `welcome` between them) after which the
// client stops: a provider that only has expired tokens (a stale cache, an issuer's clock far behind the node's)
// is not asked again and again for ever.
const MAX_EXPIRED_TOKENS = 3;
// Subscribe errors that a later retry may cure (PROTOCOL.md §7); every other one ends the subscription.
const RETRYABLE = ['unavailable', 'internal', 'rate_limited'];

/** `promise`, or a rejection when it does not settle within `ms`: a token provider must not stall the client. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What a token provider's failure becomes. */
function tokenError(e) {
  return new CrierError('token_unavailable', String((e && e.message) || e));
}

/** A minimal event emitter: a listener that throws does not break the client, its error is rethrown later. */
class Emitter {
  #listeners = new Map();

  /**
   * Adds a listener.
   * @param {string} event
   * @param {(value: any) => void} listener
   * @returns {this}
   */
  on(event, listener) {
    const list = this.#listeners.get(event) || [];
    this.#listeners.set(event, [...list, listener]);
    return this;
  }

  /**
   * Removes a listener added with on().
   * @param {string} event
   * @param {(value: any) => void} listener
   * @returns {this}
   */
  off(event, listener) {
    const list = this.#listeners.get(event) || [];
    this.#listeners.set(event, list.filter((l) => l !== listener));
    return this;
  }

  /** @internal */
  emit(event, value) {
    for (const listener of this.#listeners.get(event) || []) {
      try {
        listener(value);
      } catch (e) {
        // An application bug: report it like an uncaught error in an event handler, without losing our state.
        queueMicrotask(() => { throw e; });
      }
    }
  }
}

/** One topic the application subscribed to; it lives until unsubscribe(), across reconnects. */
class Subscription extends Emitter {
  #leave;

  /** @internal */
  constructor(topic, handler, since, leave) {
    super();
    /** The topic. */
    this.topic = topic;
    /** @internal */ this.handler = handler;
    /** @internal The last position delivered (or from the subscribe reply): what a resubscribe asks from. */
    this.last = since;
    /** @internal The socket this subscription was last sent on. */
    this.socket = null;
    /** @internal Whether the server accepted it once (the next subscribe is a resubscribe). */
    this.accepted = false;
    /** @internal */ this.retries = 0;
    /** @internal */ this.timer = null;
    this.#leave = leave;
  }

  /** The last position delivered to the handler, if the topic has history. */
  get position() {
    return this.last;
  }

  /**
   * Stops delivery and sends `unsubscribe`; resolves when the server answered (or at once when offline).
   * @returns {Promise<void>}
   */
  unsubscribe() {
    return this.#leave(this);
  }
}

/** The client: one connection, kept open (reconnecting) from connect() until close(). */
export class Crier extends Emitter {
  #url;
  #options;
  #state = 'disconnected';
  #welcome = undefined;
  #socket = null;
  #farewell = null; // the `disconnect` push of the current socket, if one came
  #attempt = 0; // connection attempts since the last welcome
  #expiredTokens = 0; // tokens refused as expired at `auth` since the last welcome
  #run = 0; // bumped by connect() and close(): an awaited token of an older run is dropped
  #nextId = 0;
  #pending = new Map(); // command id -> {resolve, reject, timer}
  #subs = new Map(); // topic -> Subscription
  #server = new Map(); // topic -> {topic, last}: the server-side subscriptions, and their last positions
  #reconnectTimer = null;
  #silence = null; // {ms, reason}: how long the connection may stay silent before it counts as dead
  #silenceTimer = null;
  #refreshTimer = null;
  #lastRefresh = 0;
  #online = () => this.#comeBackOnline();

  /**
   * @param {string} url the WebSocket URL, e.g. `ws://host:8080/ws`; nothing secret goes into it
   * @param {import('./crier').CrierOptions} [options]
   */
  constructor(url, options = {}) {
    super();
    this.#url = url;
    this.#options = {
      minReconnectDelay: 500, maxReconnectDelay: 20000, reconnectFactor: 2, timeout: 10000,
      heartbeatGrace: 5000, WebSocket: globalThis.WebSocket, random: Math.random, ...options,
    };
  }

  /** `disconnected`, `connecting`, `connected` or `closed`. */
  get state() {
    return this.#state;
  }

  /** The last `welcome` push ({session, node, user, heartbeat}), while connected. */
  get welcome() {
    return this.#welcome;
  }

  /** Opens the connection, and keeps it open (reconnecting) until close(). */
  connect() {
    if (this.#state === 'connecting' || this.#state === 'connected') return;
    clearTimeout(this.#reconnectTimer);
    this.#run++;
    this.#attempt = 0;
    this.#expiredTokens = 0;
    if (typeof window !== 'undefined') window.addEventListener('online', this.#online);
    this.#open(0);
  }

  /** Closes for good: no reconnect; pending promises reject with `closed`. connect() starts again. */
  close() {
    const was = this.#state;
    this.#run++;
    clearTimeout(this.#reconnectTimer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.#online);
    this.#teardown('closed');
    this.#state = 'closed';
    if (was === 'connecting' || was === 'connected') {
      this.emit('disconnected', { code: 1000, reason: 'closed', reconnect: false });
    }
  }

  /**
   * Subscribes now (or as soon as connected) and after every reconnect, resuming from the last position.
   * @param {string} topic
   * @param {(publication: {topic: string, data: unknown, offset?: number, epoch?: string}) => void} handler
   * @param {{since?: {offset: number, epoch: string}}} [options] a position to recover from
   * @returns {Subscription}
   * @throws {CrierError} `already_subscribed` when this client has a subscription to the topic
   */
  subscribe(topic, handler, options = {}) {
    if (this.#subs.has(topic)) throw new CrierError('already_subscribed', `already subscribed to ${topic}`);
    const sub = new Subscription(topic, handler, options.since, (s) => this.#unsubscribe(s));
    this.#subs.set(topic, sub);
    if (this.#state === 'connected') this.#subscribe(sub);
    return sub;
  }

  /**
   * Publishes `data` (any JSON value) to a topic; resolves once the server's broker accepted it.
   * @param {string} topic
   * @param {unknown} data
   * @returns {Promise<void>}
   */
  publish(topic, data) {
    return this.#call('publish', { topic, data }).then(() => undefined);
  }

  /**
   * Who is subscribed to a topic, one entry per session (namespace with `presence=full`).
   * @param {string} topic
   * @returns {Promise<{user: string, session: string, info?: unknown}[]>}
   */
  presence(topic) {
    return this.#call('presence', { topic }).then((reply) => reply.presence);
  }

  /**
   * How many sessions and distinct users are subscribed to a topic.
   * @param {string} topic
   * @returns {Promise<{sessions: number, users: number}>}
   */
  presenceCount(topic) {
    return this.#call('presence', { topic, countOnly: true })
      .then((reply) => ({ sessions: reply.sessions, users: reply.users }));
  }

  /**
   * Stored publications of a topic, oldest first, after `since` (from the oldest stored one without it).
   * @param {string} topic
   * @param {{since?: {offset: number, epoch: string}, limit?: number}} [options]
   * @returns {Promise<{publications: {offset: number, data: unknown}[], offset: number, epoch: string, complete: boolean}>}
   */
  history(topic, options = {}) {
    return this.#call('history', { topic, since: options.since, limit: options.limit })
      .then(({ publications, offset, epoch, complete }) => ({ publications, offset, epoch, complete }));
  }

  /**
   * Calls `method` on the backend (the `rpc` command, answered by the node's rpc hook); resolves with the reply's
   * `data` (undefined when the backend sent none), rejects with a CrierError carrying the error reply's code (and,
   * when the backend refused, `refused` with the backend's `appCode`).
   * @param {string} method
   * @param {unknown} [data] any JSON value
   * @returns {Promise<unknown>}
   */
  rpc(method, data) {
    const fields = data === undefined ? { method } : { method, data };
    return this.#call('rpc', fields).then((reply) => reply.data);
  }

  /**
   * The server-side subscriptions of this client (the token's `topics`, a personal topic, the server API), each
   * with its last position when the topic has history. Their publications come as `publication` events.
   * @returns {{topic: string, position?: {offset: number, epoch: string}}[]}
   */
  get serverTopics() {
    return [...this.#server.values()].map(({ topic, last }) => (last ? { topic, position: last } : { topic }));
  }

  // ---- connection lifecycle ----

  async #open(delay) {
    const run = this.#run;
    this.#state = 'connecting';
    this.emit('connecting', { attempt: this.#attempt, delay });
    let token;
    try {
      token = await this.#token();
    } catch (e) {
      if (run !== this.#run) return;
      this.emit('error', tokenError(e));
      this.#lost(1006, 'token_unavailable', true, 0);
      return;
    }
    if (run !== this.#run) return;
    let socket;
    try {
      socket = new this.#options.WebSocket(this.#url);
    } catch (e) {
      // A malformed URL: no later attempt can do better.
      this.emit('error', new CrierError('bad_url', String((e && e.message) || e)));
      this.#lost(1006, 'bad_url', false, 0);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => this.#authenticate(socket, token);
    socket.onmessage = (event) => this.#receive(socket, event.data);
    socket.onclose = (event) => this.#closed(socket, event.code, event.reason);
    // Once open, a close event follows every error, with its code. Before that, Node 20's WebSocket fires no
    // close after a refused upgrade (browsers fire 1006): the error alone ends the attempt.
    socket.onerror = () => socket.readyState === 0 && socket === this.#socket && this.#lost(1006, 'connect_failed', true, 0);
    this.#expectWithin(this.#options.timeout, 'timeout');
  }

  /** The fixed token, or the provider's answer within the command timeout. */
  async #token() {
    const source = this.#options.token;
    if (typeof source !== 'function') return source;
    return within(Promise.resolve().then(source), this.#options.timeout, 'the token provider');
  }

  #authenticate(socket, token) {
    if (socket !== this.#socket) return;
    const fields = token === undefined || token === null ? {} : { token };
    if (this.#options.authData !== undefined) fields.data = this.#options.authData;
    // The server-side subscriptions come back by themselves; these positions let them recover what was missed.
    const since = {};
    for (const { topic, last } of this.#server.values()) if (last) since[topic] = last;
    if (Object.keys(since).length > 0) fields.since = since;
    this.#command('auth', fields).catch((e) => {
      // A refused token closes the socket (4500), reported as `disconnected`; other errors are for the app.
      if (!['disconnected', 'closed', 'timeout'].includes(e.code)) this.emit('error', e);
    });
  }

  #connected(welcome) {
    this.#welcome = welcome;
    this.#attempt = 0;
    this.#expiredTokens = 0;
    this.#state = 'connected';
    if (welcome.heartbeat > 0) {
      this.#expectWithin(welcome.heartbeat * 1000 + this.#options.heartbeatGrace, 'no_heartbeat');
    }
    for (const sub of this.#subs.values()) this.#subscribe(sub);
    this.emit('connected', welcome);
  }

  /** Arms the dead-connection timer: any frame restarts it; silence for `ms` drops the connection. */
  #expectWithin(ms, reason) {
    clearTimeout(this.#silenceTimer);
    this.#silence = { ms, reason };
    this.#silenceTimer = setTimeout(() => this.#drop(reason), ms);
  }

  /** Abandons the current socket (dead, or its reply overdue) and reconnects. */
  #drop(reason) {
    this.#lost(1006, reason, true, 0);
  }

  #closed(socket, code, reason) {
    if (socket !== this.#socket) return;
    const push = this.#farewell;
    if ((push ? push.code : code) === TOKEN_EXPIRED) {
      this.#tokenExpired(push ? push.reason : reason, push ? push.reconnectDelayMs : 0);
    } else if (push) {
      this.#lost(push.code, push.reason, push.reconnect !== false, push.reconnectDelayMs);
    } else {
      const fatal = (code >= 4500 && code <= 4999) || FATAL_CLOSES.includes(code);
      this.#lost(code, reason, !fatal, 0);
    }
  }

  /**
   * 4004: reconnects (with the usual backoff) to authenticate with a fresh token from the provider, or, with no token,
   * to be admitted again by the node's connect hook (a session past the `expireAt` the hook gave, PROTOCOL.md §16.2).
   * Final, reported as `error` `token_expired`, when the token is a fixed one (reconnecting would send the same
   * expired token) or when the provider has given MAX_EXPIRED_TOKENS expired tokens in a row.
   */
  #tokenExpired(reason, hint) {
    if (this.#welcome === undefined) this.#expiredTokens++; // refused at `auth`: the provider's token was stale
    const token = this.#options.token;
    let why;
    if (token !== undefined && token !== null && typeof token !== 'function') {
      why = 'the token expired; a fixed token cannot be renewed';
    } else if (this.#expiredTokens >= MAX_EXPIRED_TOKENS) {
      why = token ? `the provider gave ${this.#expiredTokens} expired tokens in a row`
        : `the connect hook gave ${this.#expiredTokens} expired sessions in a row`;
    }
    if (why) this.emit('error', new CrierError('token_expired', why));
    this.#lost(TOKEN_EXPIRED, reason || 'token_expired', !why, hint || 0);
  }

  /** The connection (or the attempt) ended: tells the application, then waits and reconnects if allowed. */
  #lost(code, reason, reconnect, hint) {
    this.#teardown('disconnected');
    this.#state = 'disconnected';
    if (!reconnect) {
      if (typeof window !== 'undefined') window.removeEventListener('online', this.#online);
      this.emit('disconnected', { code, reason, reconnect: false });
      return;
    }
    const delay = hint > 0 ? hint : this.#backoff(this.#attempt);
    this.#attempt++;
    const run = this.#run;
    // Timers may fire up to a few ms early against the clock (Node arms them from the event loop's cached time):
    // whatever is left of the delay is waited again, so that no attempt comes sooner than it announced.
    const due = Date.now() + delay;
    const fire = () => {
      if (run !== this.#run) return;
      const left = due - Date.now();
      if (left > 0) this.#reconnectTimer = setTimeout(fire, left);
      else this.#open(delay);
    };
    this.#reconnectTimer = setTimeout(fire, delay);
    this.emit('disconnected', { code, reason, reconnect: true, delay });
  }

  /** Forgets the socket: closes it, stops its timers, and rejects its pending commands with `code`. */
  #teardown(code) {
    const socket = this.#socket;
    this.#socket = null;
    this.#farewell = null;
    this.#welcome = undefined;
    clearTimeout(this.#silenceTimer);
    clearTimeout(this.#refreshTimer);
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      if (socket.readyState <= 1) socket.close();
    }
    for (const { reject, timer } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new CrierError(code));
    }
    this.#pending.clear();
    for (const sub of this.#subs.values()) clearTimeout(sub.timer);
  }

  #backoff(retry) {
    const { minReconnectDelay: min, maxReconnectDelay: max, reconnectFactor: factor, random } = this.#options;
    return backoff(retry, { min, max, factor }, random);
  }

  #comeBackOnline() {
    if (this.#state !== 'disconnected' || this.#socket) return;
    clearTimeout(this.#reconnectTimer);
    this.#open(0);
  }

  // ---- frames ----

  #receive(socket, text) {
    if (socket !== this.#socket) return;
    this.#expectWithin(this.#silence.ms, this.#silence.reason);
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      this.emit('error', new CrierError('bad_json', `the server sent a frame that is not JSON: ${e.message}`));
      return;
    }
    switch (frame.type) {
      case 'ok':
      case 'error': return this.#reply(frame);
      case 'welcome': return this.#connected(frame);
      case 'message': return this.#deliver(frame);
      case 'subscribed': return this.#serverSubscribed(frame);
      case 'unsubscribed': return this.#serverUnsubscribed(frame);
      case 'join':
      case 'leave': return this.#subs.get(frame.topic)?.emit(frame.type,
        { topic: frame.topic, user: frame.user, session: frame.session });
      case 'expiring':
        this.emit('expiring', { in: frame.in });
        return this.#refreshSoon(socket, frame.in);
      case 'disconnect':
        this.#farewell = frame;
        return undefined;
      default: return undefined; // `heartbeat`, and push types of later versions (PROTOCOL.md §14)
    }
  }

  #reply(frame) {
    const pending = this.#pending.get(frame.id);
    if (!pending) {
      // An error without id (the frame was unreadable), or a reply that came after its timeout.
      if (frame.type === 'error') this.emit('error', new CrierError(frame.code, frame.message, frame.appCode));
      return;
    }
    this.#pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.type === 'ok') pending.resolve(frame);
    else pending.reject(new CrierError(frame.code, frame.message, frame.appCode));
  }

  /** A `subscribed` push: the server subscribed this session to a topic (at connect, or later by its API). */
  #serverSubscribed(frame) {
    const known = this.#server.get(frame.topic);
    const entry = known || { topic: frame.topic, last: undefined };
    this.#server.set(frame.topic, entry);
    const recovered = frame.recovered === true;
    const position = frame.epoch === undefined ? undefined : { offset: frame.offset, epoch: frame.epoch };
    // recovered: the missed publications follow this push, so `last` stays where they start.
    if (position && !recovered) entry.last = position;
    this.emit('subscribed', { topic: frame.topic, recovered, resubscribed: known !== undefined, position, server: true });
  }

  /** An `unsubscribed` push: the server took this session off a topic; its publications stop. */
  #serverUnsubscribed(frame) {
    const sub = this.#subs.get(frame.topic);
    if (sub) {
      // A client subscription the server ended: it is not sent again after a reconnect.
      this.#subs.delete(frame.topic);
      clearTimeout(sub.timer);
      sub.emit('unsubscribed', { topic: frame.topic });
    }
    this.#server.delete(frame.topic);
    this.emit('unsubscribed', { topic: frame.topic });
  }

  #deliver(frame) {
    const sub = this.#subs.get(frame.topic) || this.#server.get(frame.topic);
    if (!sub) return;
    if (frame.offset !== undefined) {
      const last = sub.last;
      // At most once per offset: a position already handled in this epoch is skipped.
      if (last && last.epoch === frame.epoch && frame.offset <= last.offset) return;
      sub.last = { offset: frame.offset, epoch: frame.epoch };
    }
    const publication = { topic: frame.topic, data: frame.data };
    if (frame.offset !== undefined) Object.assign(publication, { offset: frame.offset, epoch: frame.epoch });
    if (sub.handler) sub.handler(publication);
    else this.emit('publication', publication); // a server-side subscription
  }

  // ---- commands ----

  /** A command of the application: refused at once unless connected. */
  #call(type, fields) {
    if (this.#state !== 'connected') {
      const code = this.#state === 'closed' ? 'closed' : 'disconnected';
      return Promise.reject(new CrierError(code, `cannot ${type}: the client is ${this.#state}`));
    }
    return this.#command(type, fields);
  }

  /** Sends a command on the current socket; resolves with the `ok` reply, rejects with a CrierError. */
  #command(type, fields) {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new CrierError('timeout', `no reply to ${type} within ${this.#options.timeout} ms`));
      }, this.#options.timeout);
      this.#pending.set(id, { resolve, reject, timer });
      this.#socket.send(JSON.stringify({ type, id, ...fields }));
    });
  }

  #subscribe(sub) {
    const socket = this.#socket;
    if (sub.socket === socket) return;
    sub.socket = socket;
    const resubscribed = sub.accepted;
    this.#command('subscribe', { topic: sub.topic, since: sub.last }).then((reply) => {
      if (this.#subs.get(sub.topic) !== sub) {
        // Unsubscribed while the subscribe was on its way: undo it on the server. Its failure needs no
        // handling: messages of a topic without subscription are ignored, and a new session starts clean.
        if (socket === this.#socket) this.#command('unsubscribe', { topic: sub.topic }).catch(() => undefined);
        return;
      }
      const recovered = reply.recovered === true;
      const position = reply.epoch === undefined ? undefined : { offset: reply.offset, epoch: reply.epoch };
      // recovered: the missed publications follow this reply, so `last` stays where they start.
      if (position && !recovered) sub.last = position;
      sub.accepted = true;
      sub.retries = 0;
      const event = { topic: sub.topic, recovered, resubscribed, position };
      sub.emit('subscribed', event);
      this.emit('subscribed', event);
    }, (error) => this.#subscribeFailed(sub, socket, error));
  }

  #subscribeFailed(sub, socket, error) {
    if (socket !== this.#socket || this.#subs.get(sub.topic) !== sub) return; // resent after the reconnect
    sub.emit('error', error);
    if (error.code === 'timeout') {
      // The server may still subscribe us later; only a new session gives a state we know.
      this.#drop('timeout');
    } else if (RETRYABLE.includes(error.code)) {
        sub.timer = setTimeout(() => {
        sub.socket = null;
        if (this.#state === 'connected') this.#subscribe(sub);
      }, this.#backoff(sub.retries++));
    } else {
      this.#subs.delete(sub.topic);
    }
  }

  async #unsubscribe(sub) {
    if (this.#subs.get(sub.topic) !== sub) return;
    this.#subs.delete(sub.topic);
    clearTimeout(sub.timer);
    if (this.#state !== 'connected' || sub.socket !== this.#socket || !sub.accepted) return;
    try {
      await this.#command('unsubscribe', { topic: sub.topic });
    } catch (e) {
      // Offline, timed out or not_subscribed: delivery has stopped here either way, and a new session starts clean.
    }
  }

  /**
   * Refreshes at once, unless the last refresh was less than half the warning ago: a provider whose tokens live
   * shorter than the server's warning would otherwise be asked again after every refresh, as fast as it answers.
   */
  #refreshSoon(socket, inSeconds) {
    const spacing = Math.min(Math.max(0, Number(inSeconds) || 0) * 500, 30000);
    const wait = this.#lastRefresh + spacing - Date.now();
    clearTimeout(this.#refreshTimer);
    if (wait <= 0) return this.#refresh(socket, 0);
    this.#refreshTimer = setTimeout(() => this.#refresh(socket, 0), wait);
  }

  /** Answers `expiring`: a fresh token from the provider, sent as `refresh`; retried with backoff on failure. */
  async #refresh(socket, retry) {
    if (typeof this.#options.token !== 'function') return; // a fixed token cannot be renewed: the session ends at its expiry
    try {
      const token = await this.#token().catch((e) => { throw tokenError(e); });
      if (socket !== this.#socket) return;
      await this.#command('refresh', { token });
      this.#lastRefresh = Date.now();
    } catch (error) {
      if (socket !== this.#socket) return; // the session ended; the reconnect asks for a token anyway
      this.emit('error', error);
      this.#refreshTimer = setTimeout(() => this.#refresh(socket, retry + 1), this.#backoff(retry));
    }
  }
}

export default Crier;
