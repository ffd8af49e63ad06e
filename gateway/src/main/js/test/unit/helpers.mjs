// Shared by the SDK unit tests: the node under test (from the environment SdkUnitIT sets), a WebSocket that
// lets a test watch frames and drop the incoming ones, and ways to await events with a deadline (no sleeps).

/** Reads a variable SdkUnitIT sets; the tests make no sense without a real node. */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through SdkUnitIT (mvn verify -Dit.test=SdkUnitIT)`);
  return value;
}

/** The node's WebSocket URL and tokens minted by the IT with the node's secret. */
export const node = {
  url: required('CRIER_IT_URL'),
  /** alice, 1 h, may subscribe and publish to sdk:*, hist:*, room:*. */
  alice: required('CRIER_IT_TOKEN_ALICE'),
  /** bob, same claims. */
  bob: required('CRIER_IT_TOKEN_BOB'),
  /** carol, same claims, with server-side subscriptions: topics hist:srv-feed and sdk:srv-orders. */
  carol: required('CRIER_IT_TOKEN_CAROL'),
  /** alice, expiring before the node's expiryWarning: the node pushes `expiring` right after `welcome`. */
  aliceShort: required('CRIER_IT_TOKEN_ALICE_SHORT'),
  /** alice, expired ten minutes ago (well past the node's clock leeway): `auth` with it closes 4004. */
  aliceExpired: required('CRIER_IT_TOKEN_ALICE_EXPIRED'),
  /** dave, alice's claims: the user of the server API test alone. */
  dave: required('CRIER_IT_TOKEN_DAVE'),
  /** The node's HTTP base URL and its server API key, "<url> <key>". */
  api: required('CRIER_IT_API'),
};

/** Default deadline for one awaited event, generous for a loaded CI machine. */
export const WAIT_MS = 10_000;

/** A fresh topic of namespace `ns`, so that tests and runs never share one. */
export function topic(ns, name) {
  return `${ns}:${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A seeded random source in [0, 1) (mulberry32): the same seed gives the same jitter. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rejects with `what` unless `promise` settles within `ms`. */
export function within(promise, what, ms = WAIT_MS) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The next `event` of an emitter (Crier or Subscription) that passes `filter`. */
export function next(emitter, event, filter = () => true, ms = WAIT_MS) {
  let listener;
  const seen = new Promise((resolve) => {
    listener = (value) => filter(value) && resolve(value);
    emitter.on(event, listener);
  });
  return within(seen, `event ${event}`, ms).finally(() => emitter.off(event, listener));
}

/** Records every value passed to `handler`; waitFor(n) resolves once n arrived. */
export function collector() {
  const items = [];
  let waiters = [];
  const handler = (value) => {
    items.push(value);
    waiters = waiters.filter(({ n, resolve }) => (items.length >= n ? resolve(items) : true));
  };
  const waitFor = (n, ms = WAIT_MS) => within(new Promise((resolve) => {
    if (items.length >= n) resolve(items);
    else waiters.push({ n, resolve });
  }), `${n} items (have ${items.length})`, ms);
  return { items, handler, waitFor };
}

/**
 * A WebSocket class for the `WebSocket` option that records each socket the client opens, every frame it
 * sends and receives, and can go `deaf`: the frames still arrive from the real node but the client never
 * sees them, as on a connection that died without a close.
 */
export function tappedWebSocket() {
  const sockets = [];
  class TappedWebSocket extends globalThis.WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.deaf = false;
      this.sent = [];
      this.received = [];
      this.watchers = [];
      sockets.push(this);
    }

    set onmessage(listener) {
      super.onmessage = listener && ((event) => {
        this.received.push(JSON.parse(event.data));
        this.watchers = this.watchers.filter((check) => !check());
        if (!this.deaf) listener(event);
      });
    }

    get onmessage() {
      return super.onmessage;
    }

    send(text) {
      this.sent.push(JSON.parse(text));
      super.send(text);
    }

    /** The first received frame passing `filter`, now or when it comes. */
    receivedFrame(filter, ms = WAIT_MS) {
      return within(new Promise((resolve) => {
        const check = () => {
          const frame = this.received.find(filter);
          if (frame) resolve(frame);
          return frame !== undefined;
        };
        if (!check()) this.watchers.push(check);
      }), 'a received frame', ms);
    }
  }
  return { WebSocket: TappedWebSocket, sockets };
}

/** Closes every client when the test ends, passed or failed, so the test process can exit. */
export function closing(t, ...clients) {
  t.after(() => clients.forEach((client) => client.close()));
  return clients;
}
