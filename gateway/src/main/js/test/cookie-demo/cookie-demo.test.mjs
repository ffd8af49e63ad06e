// The demo with a cookie-authenticated connect (deploy/bin/start-hooks-demo) in headless Chromium: the real demo
// backend (deploy/demo/DemoBackend.java) and a node run with deploy/demo-hooks.properties. CookieDemoBrowserIT starts
// them and runs this file with node --test and these variables:
//   CRIER_IT_NODE_URL         the node, http://127.0.0.1:PORT (the demo page is at /)
//   CRIER_IT_BACKEND_URL      the demo backend, http://127.0.0.1:PORT (its sign-in page is at /)
//   CRIER_IT_NODE_PLACEHOLDER the node URL the backend was started with (its sign-in redirects there): both need the
//                             other's free port, so the browser context sends that address on to CRIER_IT_NODE_URL
//   CRIER_IT_CHROMIUM         the browser (default /usr/bin/chromium)
//   CRIER_IT_ARTIFACTS        where the screenshot goes
// Both hosts are 127.0.0.1: the cookie the backend sets goes with the WebSocket upgrade to the node's port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { launchChromium } from '../chromium.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through CookieDemoBrowserIT`);
  return value;
}

const NODE = required('CRIER_IT_NODE_URL');
const BACKEND = required('CRIER_IT_BACKEND_URL');
const PLACEHOLDER = required('CRIER_IT_NODE_PLACEHOLDER');
const ARTIFACTS = required('CRIER_IT_ARTIFACTS');
const CHROMIUM = process.env.CRIER_IT_CHROMIUM || '/usr/bin/chromium';
const WAIT = 15_000;

let browser;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await launchChromium(CHROMIUM);
});

after(async () => {
  await browser?.close();
});

/** A fresh browser context (no cookie yet) whose page records the frames its WebSockets send. */
async function freshPage(t) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  t.after(() => context.close().catch(() => {}));
  // The backend redirects to the node it was told of; that address is this node.
  await context.route(`${PLACEHOLDER}/**`, (route) => route.fulfill({
    status: 303, headers: { location: route.request().url().replace(PLACEHOLDER, NODE) },
  }));
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  const sent = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(JSON.parse(f.payload))));
  return { context, page, sent };
}

async function signIn(page, name) {
  await page.goto(`${BACKEND}/`);
  await page.fill('input[name=name]', name);
  await page.click('button');
  await page.waitForURL(`${NODE}/#auth=cookie`, { timeout: WAIT });
}

async function connectedAs(page, name) {
  await page.locator('#state[data-state="connected"]').waitFor({ timeout: WAIT });
  assert.equal(await page.textContent('#whoami'), name);
  assert.equal(await page.getAttribute('#auth', 'data-auth'), 'cookie');
}

test('signed in at the backend, the demo page connects with no token as that user, and the backend answers its rpc', async (t) => {
  const { context, page, sent } = await freshPage(t);
  await signIn(page, 'ada');
  await connectedAs(page, 'ada');
  // The page cannot read the session cookie (HttpOnly); the browser sent it, the node forwarded it, the hook named ada.
  assert.equal(await page.evaluate(() => document.cookie.includes('crier_demo')), false);
  const cookie = (await context.cookies(NODE)).find((c) => c.name === 'crier_demo');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', JSON.stringify(cookie));
  const auth = sent.find((f) => f.type === 'auth');
  assert.ok(auth, 'an auth command was sent');
  assert.equal('token' in auth, false, 'the auth command carries no token');

  // demo:whoami is called on connect; demo:time on a click. Both are answered by the backend's rpc hook.
  await page.locator('#rpc-result[data-method="demo:whoami"][data-code="ok"][data-user="ada"]').waitFor({ timeout: WAIT });
  await page.click('#rpc-time');
  await page.locator('#rpc-result[data-method="demo:time"][data-code="ok"]').waitFor({ timeout: WAIT });
  assert.match(await page.textContent('#rpc-result'), /^demo:time → \{"time":"\d{4}-/);
  // The connect hook's server-side subscription, and the hook's permissions: chat open to publish.
  await page.locator('#events li[data-event="server-subscribed"][data-topic="user:ada"]').waitFor({ timeout: WAIT });
  await page.locator('#chat[data-subscribed="true"]').waitFor({ timeout: WAIT });
  await page.fill('#text', 'hello by cookie');
  await page.click('#send');
  await page.locator('#messages li.msg[data-user="ada"]').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('#alerts li').count(), 0, await page.locator('#alerts').textContent());
  await page.screenshot({ path: `${ARTIFACTS}/cookie-demo.png`, fullPage: true });
});

test('a browser that has not signed in is refused with 4505 and told to sign in; once signed in it connects', async (t) => {
  const { page } = await freshPage(t);
  await page.goto(`${NODE}/#auth=cookie`);
  await page.locator('#last-close[data-code="4505"]').waitFor({ timeout: WAIT });
  await page.locator('#alerts li[data-code="backend_refused"]').waitFor({ timeout: WAIT });
  await page.locator('#alerts li[data-code="refused"]').waitFor({ timeout: WAIT });
  assert.equal(await page.getAttribute('#state', 'data-state'), 'disconnected');
  // 4505 is final: the SDK said it will not reconnect, so the page does not knock again and again.
  assert.match(await page.textContent('#state'), /4505 backend_refused, not reconnecting$/);
  assert.equal(await page.getAttribute('#delay', 'data-delay'), '');

  await signIn(page, 'grace');
  await page.reload();
  await connectedAs(page, 'grace');
});
