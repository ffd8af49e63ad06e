// The connection state machine against a real node: connecting, connected, disconnected, closed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Crier, CrierError } from '../../crier.js';
import { node, next, closing, tappedWebSocket } from './helpers.mjs';

/** Records every lifecycle event of a client as [event, state at that moment]. */
function journal(client) {
  const events = [];
  for (const event of ['connecting', 'connected', 'disconnected']) {
    client.on(event, (value) => events.push({ event, state: client.state, value }));
  }
  return events;
}

test('a dropped connection goes connecting, connected, disconnected, connecting, connected; close() ends it for good', async (t) => {
  const tap = tappedWebSocket();
  let randomCalls = 0;
  const client = new Crier(node.url, {
    token: node.alice, WebSocket: tap.WebSocket, minReconnectDelay: 50, random: () => { randomCalls++; return 0.5; },
  });
  closing(t, client);
  const events = journal(client);
  assert.equal(client.state, 'disconnected');

  const connected = next(client, 'connected');
  client.connect();
  assert.equal(client.state, 'connecting');
  const welcome = await connected;
  assert.equal(welcome.user, 'alice');
  assert.ok(welcome.heartbeat > 0);
  assert.equal(client.welcome, welcome);

  const reconnected = next(client, 'connected');
  tap.sockets[0].close();
  await reconnected;
  assert.equal(tap.sockets.length, 2, 'a new socket after the drop');
  assert.deepEqual(events.map((e) => [e.event, e.state]), [
    ['connecting', 'connecting'], ['connected', 'connected'], ['disconnected', 'disconnected'],
    ['connecting', 'connecting'], ['connected', 'connected'],
  ]);
  const drop = events[2].value;
  assert.equal(drop.reconnect, true);
  assert.equal(drop.delay, 25, 'min 50 ms x random 0.5 for the first retry');
  assert.deepEqual(events[3].value, { attempt: 1, delay: 25 });

  client.close();
  assert.equal(client.state, 'closed');
  assert.equal(client.welcome, undefined);
  assert.ok(tap.sockets[1].readyState >= 2, 'the socket is closing');
  assert.deepEqual(events.at(-1).value, { code: 1000, reason: 'closed', reconnect: false });
  assert.equal(randomCalls, 1, 'no backoff was drawn for close(): no reconnect is scheduled');
  await assert.rejects(client.publish('sdk:after-close', 1), { name: 'CrierError', code: 'closed' });
});

test('a token the node refuses ends in disconnected 4500 without any reconnect', async (t) => {
  let randomCalls = 0;
  const client = new Crier(node.url, { token: 'not-a-jwt', random: () => { randomCalls++; return 0.5; } });
  closing(t, client);
  const disconnected = next(client, 'disconnected');
  client.connect();
  const event = await disconnected;
  assert.deepEqual(event, { code: 4500, reason: 'invalid_token', reconnect: false });
  assert.equal(client.state, 'disconnected');
  assert.equal(randomCalls, 0, 'no backoff was drawn: no reconnect is scheduled');
  await assert.rejects(client.publish('sdk:refused', 1), { code: 'disconnected' });
});

test('a provider whose first token has expired (a laptop waking up) is asked again after a backoff, and the client connects', async (t) => {
  const handed = [];
  const provider = async () => { handed.push(handed.length === 0 ? node.aliceExpired : node.alice); return handed.at(-1); };
  const client = new Crier(node.url, { token: provider, minReconnectDelay: 50, random: () => 0.5 });
  closing(t, client);
  const events = journal(client);
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const connected = next(client, 'connected');
  client.connect();
  const welcome = await connected;
  assert.equal(welcome.user, 'alice');
  assert.deepEqual(events.map((e) => e.event), ['connecting', 'disconnected', 'connecting', 'connected']);
  assert.deepEqual(events[1].value, { code: 4004, reason: 'token_expired', reconnect: true, delay: 25 },
    'the usual backoff, not a hot loop');
  assert.deepEqual(events[2].value, { attempt: 1, delay: 25 });
  assert.deepEqual(handed, [node.aliceExpired, node.alice], 'a fresh token for the second attempt');
  assert.deepEqual(errors, [], 'a stale token the provider then replaced is no error');
});

test('a fixed token that has expired ends in error token_expired and disconnected 4004, without any reconnect', async (t) => {
  let randomCalls = 0;
  const client = new Crier(node.url, { token: node.aliceExpired, random: () => { randomCalls++; return 0.5; } });
  closing(t, client);
  const error = next(client, 'error');
  const disconnected = next(client, 'disconnected');
  client.connect();
  const reported = await error;
  assert.ok(reported instanceof CrierError);
  assert.equal(reported.code, 'token_expired');
  assert.deepEqual(await disconnected, { code: 4004, reason: 'token_expired', reconnect: false });
  assert.equal(client.state, 'disconnected');
  assert.equal(randomCalls, 0, 'no backoff was drawn: the same expired token is never sent again');
});

test('a provider that keeps giving expired tokens is given up after three, with error token_expired', async (t) => {
  let calls = 0;
  const client = new Crier(node.url, {
    token: () => { calls++; return node.aliceExpired; }, minReconnectDelay: 20,
  });
  closing(t, client);
  const drops = [];
  client.on('disconnected', (e) => drops.push(e));
  const error = next(client, 'error');
  const final = next(client, 'disconnected', (e) => e.reconnect === false);
  client.connect();
  assert.equal((await error).code, 'token_expired');
  await final;
  assert.equal(calls, 3);
  assert.deepEqual(drops.map((e) => [e.code, e.reconnect]), [[4004, true], [4004, true], [4004, false]]);
  assert.equal(client.state, 'disconnected');
});

test('a token provider that throws is reported as an error and asked again after a backoff', async (t) => {
  let calls = 0;
  const provider = async () => {
    calls++;
    if (calls === 1) throw new Error('token backend down');
    return node.alice;
  };
  const client = new Crier(node.url, { token: provider, minReconnectDelay: 20 });
  closing(t, client);
  const error = next(client, 'error');
  const connected = next(client, 'connected');
  const attempts = [];
  client.on('connecting', (e) => attempts.push(e.attempt));
  client.connect();
  const reported = await error;
  assert.equal(reported.code, 'token_unavailable');
  assert.match(reported.message, /token backend down/);
  await connected;
  assert.deepEqual(attempts, [0, 1]);
  assert.equal(calls, 2);
});

test('the provider is asked for a fresh token on every reconnect, never putting it in the URL', async (t) => {
  const tap = tappedWebSocket();
  let calls = 0;
  const client = new Crier(node.url, {
    token: () => { calls++; return node.alice; }, WebSocket: tap.WebSocket, minReconnectDelay: 20,
  });
  closing(t, client);
  const first = next(client, 'connected');
  client.connect();
  await first;
  const second = next(client, 'connected');
  tap.sockets[0].close();
  await second;
  assert.equal(calls, 2);
  for (const socket of tap.sockets) {
    assert.equal(socket.url, node.url, 'the URL carries no token');
    assert.deepEqual(socket.sent[0], { type: 'auth', id: socket.sent[0].id, token: node.alice });
  }
});

test('a connection that stays silent past heartbeat + grace is dropped and replaced', async (t) => {
  const tap = tappedWebSocket();
  const client = new Crier(node.url, {
    token: node.alice, WebSocket: tap.WebSocket, heartbeatGrace: 300, minReconnectDelay: 20,
  });
  closing(t, client);
  const connected = next(client, 'connected');
  client.connect();
  const welcome = await connected;

  const deafAt = performance.now();
  tap.sockets[0].deaf = true;
  const dropped = next(client, 'disconnected');
  const back = next(client, 'connected');
  const event = await dropped;
  const silence = performance.now() - deafAt;
  assert.equal(event.reason, 'no_heartbeat');
  assert.equal(event.reconnect, true);
  assert.ok(silence >= welcome.heartbeat * 1000 + 300 - 5, `dropped after ${silence.toFixed(0)} ms of silence`);
  assert.ok(tap.sockets[0].readyState >= 2, 'the dead socket was closed');
  await back;
  assert.equal(tap.sockets.length, 2);
});

test('close() during the first attempt abandons it: no socket is opened and nothing reconnects', async (t) => {
  const tap = tappedWebSocket();
  const client = new Crier(node.url, { token: node.alice, WebSocket: tap.WebSocket });
  closing(t, client);
  const events = journal(client);
  client.connect();
  client.close();
  assert.equal(client.state, 'closed');
  assert.deepEqual(events.map((e) => e.event), ['connecting', 'disconnected']);

  const connected = next(client, 'connected');
  client.connect();
  await connected;
  assert.equal(client.state, 'connected', 'connect() after close() starts again');
  assert.equal(tap.sockets.length, 1, 'only the second run opened a socket');
  assert.deepEqual(events.map((e) => e.event), ['connecting', 'disconnected', 'connecting', 'connected']);
});
