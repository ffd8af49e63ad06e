// Protocol handling against a real node: commands and replies, error codes, recovery, token refresh.
// The node (see SdkUnitIT) keeps history for namespace `hist` (with the history command), full presence with
// join/leave pushes for `room`, nothing for `sdk`; it pushes `expiring` 10 minutes before a token's expiry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Crier, CrierError } from '../../crier.js';
import { node, topic, next, collector, closing, tappedWebSocket } from './helpers.mjs';

/** A client of `token`, connected. */
async function connected(t, token = node.alice, options = {}) {
  const client = new Crier(node.url, { token, minReconnectDelay: 20, ...options });
  closing(t, client);
  const welcome = next(client, 'connected');
  client.connect();
  await welcome;
  return client;
}

/** Subscribes and waits until the node accepted it; returns the subscription and its `subscribed` event. */
async function subscribed(client, name, handler, options) {
  const sub = client.subscribe(name, handler, options);
  const event = await next(sub, 'subscribed');
  return { sub, event };
}

test('a publication reaches every subscriber with its data as published', async (t) => {
  const alice = await connected(t);
  const bob = await connected(t, node.bob);
  const name = topic('sdk', 'chat');
  const atAlice = collector();
  const atBob = collector();
  const { event } = await subscribed(alice, name, atAlice.handler);
  assert.deepEqual(event, { topic: name, recovered: false, resubscribed: false, position: undefined });
  await subscribed(bob, name, atBob.handler);

  await bob.publish(name, { text: 'hi', n: [1, 2.5, null] });
  const [publication] = await atAlice.waitFor(1);
  assert.deepEqual(publication, { topic: name, data: { text: 'hi', n: [1, 2.5, null] } });
  await atBob.waitFor(1);
  assert.deepEqual(atBob.items, atAlice.items, 'the publisher gets its own publication too');
});

test('a subscribe made before connect() is sent once the session is authenticated', async (t) => {
  const client = new Crier(node.url, { token: node.alice });
  closing(t, client);
  const name = topic('sdk', 'queued');
  const got = collector();
  const sub = client.subscribe(name, got.handler);
  assert.throws(() => client.subscribe(name, () => {}), { code: 'already_subscribed' });
  const accepted = next(sub, 'subscribed');
  client.connect();
  await accepted;
  await client.publish(name, 'queued-then-live');
  assert.equal((await got.waitFor(1))[0].data, 'queued-then-live');
});

test('a forbidden topic gives the error code forbidden, for subscribe and publish alike', async (t) => {
  const client = await connected(t);
  const name = topic('secret', 'vault');
  const sub = client.subscribe(name, () => assert.fail('nothing may arrive'));
  const onSub = await next(sub, 'error');
  assert.ok(onSub instanceof CrierError);
  assert.equal(onSub.code, 'forbidden');
  assert.equal(sub.position, undefined);
  client.subscribe(name, () => {}).on('error', () => {}); // the refused one was dropped: no already_subscribed

  await assert.rejects(client.publish(name, 1), (e) => e instanceof CrierError && e.code === 'forbidden');
  await assert.rejects(client.history(topic('sdk', 'no-history')), { code: 'not_available' });
  assert.equal(client.state, 'connected', 'an error reply never closes the connection');
});

test('commands are refused with disconnected while offline, not queued', async (t) => {
  const client = new Crier(node.url, { token: node.alice });
  closing(t, client);
  for (const call of [() => client.publish('sdk:x', 1), () => client.presence('room:x'),
    () => client.presenceCount('room:x'), () => client.history('hist:x')]) {
    await assert.rejects(call(), { name: 'CrierError', code: 'disconnected' });
  }
});

test('a command whose reply does not come in time rejects with timeout; close() rejects the rest with closed', async (t) => {
  const tap = tappedWebSocket();
  const client = await connected(t, node.alice, { WebSocket: tap.WebSocket, timeout: 300, heartbeatGrace: 60_000 });
  tap.sockets[0].deaf = true;
  const started = performance.now();
  await assert.rejects(client.publish(topic('sdk', 'late'), 1), { code: 'timeout' });
  assert.ok(performance.now() - started >= 295);

  const pending = client.presence(topic('room', 'never'));
  client.close();
  await assert.rejects(pending, { code: 'closed' });
});

test('presence lists the sessions of a topic, counts them, and subscribers see join pushes', async (t) => {
  const alice = await connected(t);
  const bob = await connected(t, node.bob);
  const name = topic('room', 'lobby');
  const joins = collector();
  const { sub } = await subscribed(alice, name, () => {});
  sub.on('join', joins.handler);
  await subscribed(bob, name, () => {});

  const bobJoined = (await joins.waitFor(1)).find((j) => j.user === 'bob')
    || (await joins.waitFor(2)).find((j) => j.user === 'bob');
  assert.deepEqual(bobJoined, { topic: name, user: 'bob', session: bob.welcome.session });
  const entries = await alice.presence(name);
  assert.deepEqual(entries.map((e) => e.session).sort(), [alice.welcome.session, bob.welcome.session].sort());
  assert.deepEqual(await bob.presenceCount(name), { sessions: 2, users: 2 });
});

test('history pages through the stored publications with since and limit', async (t) => {
  const client = await connected(t);
  const name = topic('hist', 'pages');
  for (const n of [1, 2, 3]) await client.publish(name, { n });
  const first = await client.history(name, { limit: 2 });
  assert.deepEqual(first.publications, [{ offset: 1, data: { n: 1 } }, { offset: 2, data: { n: 2 } }]);
  assert.equal(first.offset, 3);
  assert.equal(first.complete, true);
  const rest = await client.history(name, { since: { offset: 2, epoch: first.epoch } });
  assert.deepEqual(rest, { publications: [{ offset: 3, data: { n: 3 } }], offset: 3, epoch: first.epoch, complete: true });
});

test('after a forced disconnect the client resubscribes from its position and gets every missed offset once, in order', async (t) => {
  const tap = tappedWebSocket();
  const alice = await connected(t, node.alice, { WebSocket: tap.WebSocket, minReconnectDelay: 200 });
  const bob = await connected(t, node.bob);
  const name = topic('hist', 'recover');
  const got = collector();
  const { sub, event } = await subscribed(alice, name, got.handler);
  assert.equal(event.recovered, false, 'a first subscribe has nothing to recover');
  assert.equal(event.position.offset, 0);

  for (const n of [1, 2, 3]) await bob.publish(name, { n });
  await got.waitFor(3);
  assert.deepEqual(sub.position, { offset: 3, epoch: got.items[2].epoch });

  // Publications 4-6 reach the socket but never the client; then the socket drops.
  tap.sockets[0].deaf = true;
  for (const n of [4, 5, 6]) await bob.publish(name, { n });
  const resubscribed = next(sub, 'subscribed');
  tap.sockets[0].close();
  await next(alice, 'disconnected');
  await bob.publish(name, { n: 7 }); // while alice is away
  const again = await resubscribed;
  assert.deepEqual({ recovered: again.recovered, resubscribed: again.resubscribed }, { recovered: true, resubscribed: true });
  const resent = tap.sockets[1].sent.find((f) => f.type === 'subscribe');
  assert.deepEqual(resent.since, { offset: 3, epoch: got.items[2].epoch });

  await bob.publish(name, { n: 8 });
  await got.waitFor(8);
  assert.deepEqual(got.items.map((p) => p.offset), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(got.items.map((p) => p.data.n), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(sub.position, { offset: 8, epoch: got.items[0].epoch });
});

test('a position the node cannot recover from is reported as recovered:false with the current position', async (t) => {
  const client = await connected(t);
  const name = topic('hist', 'stale');
  await client.publish(name, 'one');
  await client.publish(name, 'two');
  const got = collector();
  const { sub, event } = await subscribed(client, name, got.handler, { since: { offset: 1, epoch: 'stale-epoch' } });
  assert.equal(event.recovered, false);
  assert.equal(event.resubscribed, false);
  assert.equal(event.position.offset, 2);
  assert.deepEqual(sub.position, event.position, 'the client continues from the current position');
  await client.publish(name, 'three');
  assert.deepEqual((await got.waitFor(1)).map((p) => [p.offset, p.data]), [[3, 'three']]);
});

test('the expiring push makes the client fetch a new token and refresh without disconnecting', async (t) => {
  const tap = tappedWebSocket();
  const tokens = [node.aliceShort, node.alice];
  const handed = [];
  const provider = async () => { handed.push(tokens[handed.length] ?? node.alice); return handed.at(-1); };
  const client = new Crier(node.url, { token: provider, WebSocket: tap.WebSocket });
  closing(t, client);
  const drops = collector();
  client.on('disconnected', drops.handler);
  const expiring = next(client, 'expiring');
  client.connect();
  const warning = await expiring;
  assert.ok(warning.in > 0 && warning.in <= 300, `expires in ${warning.in} s`);

  const socket = tap.sockets[0];
  const isRefresh = (reply) => socket.sent.some((f) => f.type === 'refresh' && f.id === reply.id);
  const reply = await socket.receivedFrame((f) => f.id !== undefined && isRefresh(f));
  assert.equal(reply.type, 'ok');
  assert.equal(socket.sent.find((f) => f.type === 'refresh').token, node.alice);
  assert.deepEqual(handed, [node.aliceShort, node.alice]);
  assert.equal(client.state, 'connected');
  assert.equal(tap.sockets.length, 1, 'the same connection all along');
  assert.equal(drops.items.length, 0);
  await client.publish(topic('sdk', 'after-refresh'), 'still here');
});

test('a refresh the node refuses is reported and tried again with the next token', async (t) => {
  const tap = tappedWebSocket();
  const tokens = [node.aliceShort, node.bob, node.alice]; // bob's token is for another user: invalid_token
  let calls = 0;
  const client = new Crier(node.url, {
    token: () => tokens[Math.min(calls++, 2)], WebSocket: tap.WebSocket, minReconnectDelay: 20,
  });
  closing(t, client);
  const refused = next(client, 'error');
  client.connect();
  assert.equal((await refused).code, 'invalid_token');
  const socket = tap.sockets[0];
  const refreshes = () => socket.sent.filter((f) => f.type === 'refresh');
  const accepted = await socket.receivedFrame((f) => f.type === 'ok' && refreshes().length === 2 && f.id === refreshes()[1].id);
  assert.equal(accepted.type, 'ok');
  assert.deepEqual(refreshes().map((f) => f.token), [node.bob, node.alice]);
  assert.equal(client.state, 'connected');
  assert.equal(tap.sockets.length, 1);
});
