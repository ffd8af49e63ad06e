// Server-side subscriptions, rpc and a connect without a token, against a real node (see SdkUnitIT): carol's token
// lists `topics` (hist:srv-feed, with history, and sdk:srv-orders), and namespace `me` subscribes every
// authenticated session to its own me:<sub>. The IT's HTTP backend answers the node's rpc hook (namespace calc) and
// its connect hook (by the auth data: device, refuse, short; SdkUnitIT's comment says how).
import test from 'node:test';
import assert from 'node:assert/strict';
import { Crier } from '../../crier.js';
import { node, next, collector, closing, tappedWebSocket } from './helpers.mjs';

/** A client of `token`, connected, whose `subscribed` events are collected from the start. */
async function connected(t, token, options = {}) {
  const client = new Crier(node.url, { token, minReconnectDelay: 20, ...options });
  closing(t, client);
  const subscribed = collector();
  client.on('subscribed', subscribed.handler);
  const welcome = next(client, 'connected');
  client.connect();
  await welcome;
  return { client, subscribed };
}

test('the topics of the token and the personal topic come as server-side subscribed events, and deliver', async (t) => {
  const { client: carol, subscribed } = await connected(t, node.carol);
  const { client: bob } = await connected(t, node.bob);
  const events = await subscribed.waitFor(3);
  const byTopic = Object.fromEntries(events.map((e) => [e.topic, e]));
  assert.deepEqual(Object.keys(byTopic).sort(), ['hist:srv-feed', 'me:carol', 'sdk:srv-orders']);
  assert.deepEqual(byTopic['sdk:srv-orders'], { topic: 'sdk:srv-orders', recovered: false, resubscribed: false,
    position: undefined, server: true });

  const publications = collector();
  carol.on('publication', publications.handler);
  await bob.publish('sdk:srv-orders', { order: 42 });
  assert.deepEqual((await publications.waitFor(1))[0], { topic: 'sdk:srv-orders', data: { order: 42 } });
  assert.ok(carol.serverTopics.some((s) => s.topic === 'me:carol'));
});

test('after a reconnect the auth carries the server-side positions and every missed offset comes once, in order', async (t) => {
  const tap = tappedWebSocket();
  const { client: carol, subscribed } = await connected(t, node.carol, { WebSocket: tap.WebSocket, minReconnectDelay: 200 });
  const { client: bob } = await connected(t, node.bob);
  await subscribed.waitFor(3);
  const got = collector();
  carol.on('publication', (p) => p.topic === 'hist:srv-feed' && got.handler(p));
  for (const n of [1, 2, 3]) await bob.publish('hist:srv-feed', { n });
  await got.waitFor(3);
  const position = { offset: got.items[2].offset, epoch: got.items[2].epoch };

  tap.sockets[0].deaf = true; // 4-6 reach the socket, never the client
  for (const n of [4, 5, 6]) await bob.publish('hist:srv-feed', { n });
  const back = next(carol, 'subscribed', (e) => e.topic === 'hist:srv-feed' && e.resubscribed);
  tap.sockets[0].close();
  await next(carol, 'disconnected');
  await bob.publish('hist:srv-feed', { n: 7 });
  const again = await back;
  assert.equal(again.recovered, true);
  assert.deepEqual(tap.sockets[1].sent.find((f) => f.type === 'auth').since['hist:srv-feed'], position);

  await got.waitFor(7);
  assert.deepEqual(got.items.map((p) => p.data.n), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(got.items.map((p) => p.offset), got.items.map((_, i) => position.offset - 2 + i));
});

test('rpc sends method and data and resolves with the data of the backend\'s rpc hook', async (t) => {
  const tap = tappedWebSocket();
  const { client } = await connected(t, node.alice, { WebSocket: tap.WebSocket });
  // The IT's backend answers calc:echo with the request it received, as the reply's data.
  const echoed = await client.rpc('calc:echo', { a: 1, list: [true, null, 'x'] });
  assert.deepEqual(echoed.request, { node: client.welcome.node, session: client.welcome.session, user: 'alice',
    method: 'calc:echo', data: { a: 1, list: [true, null, 'x'] } });
  const bare = await client.rpc('calc:echo');
  assert.equal('data' in bare.request, false, 'no data in the command, none in the hook request');
  assert.equal(await client.rpc('calc:nothing'), undefined, 'a result without data resolves with undefined');
  const sent = tap.sockets[0].sent.filter((f) => f.type === 'rpc');
  assert.deepEqual(sent.map(({ id, ...rest }) => rest), [
    { type: 'rpc', method: 'calc:echo', data: { a: 1, list: [true, null, 'x'] } },
    { type: 'rpc', method: 'calc:echo' }, { type: 'rpc', method: 'calc:nothing' }]);
});

test('rpc rejects with refused and the backend\'s appCode and message when the backend refuses', async (t) => {
  const { client } = await connected(t, node.alice);
  const refused = await client.rpc('calc:refuse', { n: 1 }).then(() => assert.fail('the backend refuses'), (e) => e);
  assert.equal(refused.name, 'CrierError');
  assert.equal(refused.code, 'refused');
  assert.equal(refused.appCode, 1042);
  assert.equal(refused.message, 'not today');
  // The session goes on: the next call is answered.
  assert.ok((await client.rpc('calc:echo', 2)).request);
  assert.equal(client.state, 'connected');
});

test('rpc of a method whose namespace has no rpc hook rejects with not_available, without appCode', async (t) => {
  const { client } = await connected(t, node.alice);
  for (const method of ['echo', 'sdk:echo']) {
    const error = await client.rpc(method, { a: 1 }).then(() => assert.fail(`${method} has no hook`), (e) => e);
    assert.equal(error.code, 'not_available', method);
    assert.equal(error.appCode, undefined, method);
  }
  assert.equal(client.state, 'connected');
});

test('a client without a token is admitted by the connect hook as the user it names, from its authData', async (t) => {
  const tap = tappedWebSocket();
  const { client } = await connected(t, undefined, { WebSocket: tap.WebSocket, authData: { device: 'kiosk' } });
  const auth = tap.sockets[0].sent.find((f) => f.type === 'auth');
  assert.equal('token' in auth, false);
  assert.deepEqual(auth.data, { device: 'kiosk' });
  assert.equal(client.welcome.user, 'device-kiosk');
  // The hook's permissions: sdk:* to publish.
  await client.publish('sdk:by-hook', { ok: true });
});

test('a connect hook that refuses gives an error refused with its appCode, then disconnected 4505 for good', async (t) => {
  const client = new Crier(node.url, { authData: { refuse: true }, minReconnectDelay: 20 });
  closing(t, client);
  const error = next(client, 'error');
  const gone = next(client, 'disconnected');
  client.connect();
  const refused = await error;
  assert.deepEqual([refused.code, refused.appCode, refused.message], ['refused', 1401, 'sign in first']);
  assert.deepEqual(await gone, { code: 4505, reason: 'backend_refused', reconnect: false });
  assert.equal(client.state, 'disconnected');
});

test('a session past the expireAt of its connect hook is closed with 4004 and comes back through the hook', async (t) => {
  const id = Math.random().toString(36).slice(2, 10);
  const errors = collector();
  const { client } = await connected(t, undefined, { authData: { short: id } });
  client.on('error', errors.handler);
  assert.equal(client.welcome.user, `short-${id}`);
  const first = client.welcome.session;
  // expireAt is 2 s away and auth.expiryGrace 1 s: the node closes the session; with no token, the client goes back.
  const closed = await next(client, 'disconnected');
  assert.deepEqual([closed.code, closed.reconnect], [4004, true]);
  await next(client, 'connected');
  assert.equal(client.welcome.user, `short-${id}`);
  assert.notEqual(client.welcome.session, first);
  assert.deepEqual(errors.items.map((e) => e.code), [], 'no token_expired: the hook admits it again');
});

/** Posts `body` to the node's server API `action`; asserts a 200 and returns the answer. */
async function api(action, body) {
  const [base, key] = node.api.split(' ');
  const response = await fetch(`${base}/api/v1/${action}`, { method: 'POST', body: JSON.stringify(body),
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } });
  assert.equal(response.status, 200);
  return response.json();
}

test('the server API subscribes a live session (a subscribed event) and takes it off again (unsubscribed)', async (t) => {
  const { client: dave, subscribed } = await connected(t, node.dave);
  await subscribed.waitFor(1); // me:dave, the personal topic
  assert.deepEqual(await api('subscribe', { user: 'dave', topic: 'sdk:api-dave' }), { sessions: 1, nodes: 1 });
  const events = await subscribed.waitFor(2);
  assert.deepEqual(events[1], { topic: 'sdk:api-dave', recovered: false, resubscribed: false, position: undefined,
    server: true });
  assert.ok(dave.serverTopics.some((s) => s.topic === 'sdk:api-dave'));

  const gone = next(dave, 'unsubscribed');
  assert.deepEqual(await api('unsubscribe', { user: 'dave', topic: 'sdk:api-dave' }), { sessions: 1, nodes: 1 });
  assert.deepEqual(await gone, { topic: 'sdk:api-dave' });
  assert.ok(!dave.serverTopics.some((s) => s.topic === 'sdk:api-dave'));
  // Idempotent: nothing left to take off.
  assert.deepEqual(await api('unsubscribe', { user: 'dave', topic: 'sdk:api-dave' }), { sessions: 0, nodes: 1 });
});

test('an application close code reaches the app with its reason; its range says whether to reconnect', async (t) => {
  const tap = tappedWebSocket();
  const { client: dave } = await connected(t, node.dave, { WebSocket: tap.WebSocket });
  // With the disconnect push: 4123 reconnects.
  let gone = next(dave, 'disconnected');
  let back = next(dave, 'connected');
  assert.deepEqual(await api('disconnect', { user: 'dave', code: 4123, reason: 'kicked' }), { sessions: 1, nodes: 1 });
  const kicked = await gone;
  assert.deepEqual([kicked.code, kicked.reason, kicked.reconnect], [4123, 'kicked', true]);
  await back;
  // Only the close frame (the client misses the push): the range decides, 4100-4499 reconnects.
  tap.sockets.at(-1).deaf = true;
  gone = next(dave, 'disconnected');
  back = next(dave, 'connected');
  await api('disconnect', { user: 'dave', code: 4499, reason: 'moved' });
  const moved = await gone;
  assert.deepEqual([moved.code, moved.reason, moved.reconnect], [4499, 'moved', true]);
  await back;
  // ... and 4600-4999 does not.
  tap.sockets.at(-1).deaf = true;
  gone = next(dave, 'disconnected');
  await api('disconnect', { user: 'dave', code: 4600, reason: 'account_deleted' });
  assert.deepEqual(await gone, { code: 4600, reason: 'account_deleted', reconnect: false });
  assert.equal(dave.state, 'disconnected');
});
