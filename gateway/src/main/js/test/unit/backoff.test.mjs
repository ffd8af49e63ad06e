// Backoff: exponential ceilings with full jitter, as computed and as the client really waits between attempts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Crier, backoff } from '../../crier.js';
import { node, seeded, next, closing } from './helpers.mjs';

const DEFAULTS = { min: 500, max: 20000, factor: 2 };

test('every delay lies within [0, min(max, min * factor^n)] for seeded random sources', () => {
  for (const seed of [1, 7, 42, 1234, 99991]) {
    const random = seeded(seed);
    for (let n = 0; n < 40; n++) {
      const delay = backoff(n, DEFAULTS, random);
      const ceiling = Math.min(DEFAULTS.max, DEFAULTS.min * DEFAULTS.factor ** n);
      assert.ok(Number.isInteger(delay), `delay ${delay} is whole milliseconds`);
      assert.ok(delay >= 0 && delay <= ceiling, `retry ${n}: ${delay} in [0, ${ceiling}]`);
    }
  }
});

test('full jitter reaches both ends of the range and the cap holds whatever the factor', () => {
  const nearlyOne = () => 0.999999;
  assert.equal(backoff(3, DEFAULTS, () => 0), 0);
  assert.equal(backoff(0, DEFAULTS, nearlyOne), 499);
  assert.equal(backoff(3, DEFAULTS, nearlyOne), 3999);
  assert.equal(backoff(6, DEFAULTS, nearlyOne), 19999);
  assert.equal(backoff(60, { min: 100, max: 5000, factor: 3 }, nearlyOne), 4999);
  assert.equal(backoff(2, { min: 100, max: 5000, factor: 1.5 }, () => 0.5), 112);
});

test('the delays of one retry spread over the whole range instead of bunching', () => {
  const random = seeded(2024);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 2000; i++) buckets[Math.floor(backoff(4, DEFAULTS, random) / 800)]++;
  for (const [tenth, count] of buckets.entries()) {
    assert.ok(count > 120 && count < 280, `tenth ${tenth} of [0, 8000] got ${count} of 2000 delays`);
  }
});

test('against a node that refuses the upgrade, the client waits exactly the seeded backoff before each attempt', async (t) => {
  const limits = { min: 20, max: 120, factor: 2 };
  const refused = node.url.replace(/\/ws$/, '/no-such-path');
  const client = new Crier(refused, {
    token: node.alice, minReconnectDelay: limits.min, maxReconnectDelay: limits.max,
    reconnectFactor: limits.factor, random: seeded(5),
  });
  closing(t, client);
  const attempts = [];
  const announced = [];
  client.on('connecting', (e) => attempts.push({ ...e, at: performance.now() }));
  client.on('disconnected', (e) => announced.push({ ...e, at: performance.now() }));
  const sixth = next(client, 'connecting', (e) => e.attempt === 6);
  client.connect();
  await sixth;

  const expected = seeded(5);
  assert.deepEqual(attempts.map((a) => a.attempt), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(attempts[0].delay, 0);
  for (let n = 0; n < 6; n++) {
    const delay = backoff(n, limits, expected);
    assert.equal(announced[n].reconnect, true);
    assert.equal(announced[n].delay, delay, `disconnect ${n} announced the seeded delay`);
    assert.equal(attempts[n + 1].delay, delay, `attempt ${n + 1} reports the delay it waited`);
    const waited = attempts[n + 1].at - announced[n].at;
    assert.ok(waited >= delay - 2, `attempt ${n + 1} came ${waited.toFixed(1)} ms after the disconnect, wanted ${delay}`);
  }
});
