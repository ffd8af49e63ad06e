// Crier demo: a live chat with presence and a live ticker, on the SDK the node serves at /crier.js.
// Plain ES module, no build step. Settings come from the address' fragment (never sent to the server):
//   #token=JWT        a fixed token          #tokenUrl=URL  a token endpoint answering {"token":"..."}
//   #user=NAME        the name to ask for    #room=TOPIC    the chat topic (default chat:lobby)
//   #ticker=TOPIC     the ticker topic (default ticker:prices)
//   #auth=cookie      connect with no token: the node's connect hook admits the session by the session cookie the
//                     browser sends with the WebSocket upgrade (deploy/bin/start-hooks-demo, PROTOCOL.md §16)
// Without a token setting, a node in development mode (no secret configured) or with auth.devTokens mints
// tokens at /dev/token; otherwise paste a token, or leave the box empty to connect by the session cookie. Elements carry ids and data-* attributes that the browser tests read.
import { Crier } from '/crier.js';

const MAX_ITEMS = 200;
// token_unavailable: the token endpoint failed; invalid_token: a refresh was refused (PROTOCOL.md §3.1);
// refused: the backend's connect hook refused the session (no or a bad session cookie, PROTOCOL.md §16.2).
const CONNECTION_ERRORS = ['token_unavailable', 'invalid_token', 'bad_url', 'bad_json', 'refused'];
// The close after the connect hook refused (4505) or could not be asked (4007), PROTOCOL.md §16.2-16.3.
const BACKEND_REFUSED = 4505;
const $ = (id) => document.getElementById(id);
const fragment = new URLSearchParams(location.hash.slice(1));
const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';

let crier = null;
let devMode = false;
let viaCookie = false;              // the current client connected with no token (the connect hook decides)
let chat = null;                    // the chat Subscription
let ticker = null;                  // the ticker Subscription
let everConnected = false;
const recoverUpTo = new Map();      // topic -> last offset the recovery of the current resubscribe delivers
const online = new Map();           // user -> Set of session ids, from presence, join and leave
let lastPrice = null;

// ---- small DOM helpers ------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key === 'className') node.className = value;
    else node.setAttribute(key, String(value));
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

function append(list, item) {
  const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  list.append(item);
  while (list.children.length > MAX_ITEMS) list.firstElementChild.remove();
  if (stick) list.scrollTop = list.scrollHeight;
}

function time() {
  return new Date().toLocaleTimeString([], { hour12: false });
}

function bump(id) {
  const node = $(id);
  const count = Number(node.dataset.count) + 1;
  node.dataset.count = String(count);
  node.textContent = String(count);
}

/** A visible error or warning; code is the server's error code when there is one. */
function alertUser(text, kind = 'error', code = '') {
  const item = el('li', { className: kind, 'data-kind': kind, 'data-code': code || undefined },
    el('span', { className: 'when' }, time()), text,
    el('button', { type: 'button', className: 'dismiss', 'aria-label': 'Dismiss' }, '×'));
  item.querySelector('button').onclick = () => item.remove();
  append($('alerts'), item);
}

function logEvent(event, text, data = {}) {
  const attrs = { className: 'event ' + event, 'data-event': event };
  for (const [key, value] of Object.entries(data)) attrs['data-' + key] = value;
  append($('events'), el('li', attrs, el('span', { className: 'when' }, time()), text));
}

// ---- connection state -------------------------------------------------------------------------------------

function setState(state, detail) {
  const node = $('state');
  node.dataset.state = state;
  node.className = 'state ' + state;
  node.textContent = detail ? state + ' · ' + detail : state;
  const up = state === 'connected';
  setBackendButtons(up);
  $('text').disabled = !up;
  $('send').disabled = !up;
  $('connect').disabled = crier !== null;
  $('disconnect').disabled = crier === null;
}

function onConnecting(e) {
  $('attempt').textContent = String(e.attempt);
  $('attempt').dataset.attempt = String(e.attempt);
  setState('connecting', e.attempt === 0 && !everConnected ? '' : 'attempt ' + e.attempt + ' after ' + e.delay + ' ms');
  logEvent('connecting', 'connecting, attempt ' + e.attempt + (e.delay ? ' after waiting ' + e.delay + ' ms' : ''),
    { attempt: e.attempt, delay: e.delay });
}

function onConnected(welcome) {
  if (everConnected) bump('reconnects');
  everConnected = true;
  $('node').textContent = welcome.node;
  $('node').dataset.node = welcome.node;
  $('session').textContent = welcome.session;
  $('whoami').textContent = welcome.user || '(anonymous)';
  $('auth').textContent = viaCookie ? 'session cookie (connect hook)' : 'token';
  $('auth').dataset.auth = viaCookie ? 'cookie' : 'token';
  if (viaCookie) $('user').value = welcome.user; // the backend's name for this session, not the box's
  setState('connected');
  if (viaCookie) callBackend('demo:whoami');
  logEvent('connected', 'connected to node ' + welcome.node + ' as ' + (welcome.user || 'anonymous'),
    { node: welcome.node, session: welcome.session });
}

function onDisconnected(e) {
  const what = e.code + (e.reason ? ' ' + e.reason : '');
  $('last-close').textContent = what;
  $('last-close').dataset.code = String(e.code);
  $('delay').textContent = e.reconnect && e.delay !== undefined ? e.delay + ' ms' : '-';
  $('delay').dataset.delay = e.reconnect && e.delay !== undefined ? String(e.delay) : '';
  $('node').dataset.node = '';
  $('node').textContent = '-';
  $('session').textContent = '-';
  setState('disconnected', what + (e.reconnect ? ', retry in ' + e.delay + ' ms' : ', not reconnecting'));
  logEvent('disconnected', 'disconnected: ' + what + (e.reconnect ? '; reconnecting in ' + e.delay + ' ms'
    : '; will not reconnect'), { code: e.code, reason: e.reason, reconnect: e.reconnect, delay: e.delay });
  if (e.code === BACKEND_REFUSED) {
    alertUser('The backend refused the session (' + what + '): sign in at your backend first (with'
      + ' deploy/bin/start-hooks-demo: http://127.0.0.1:8090/), then connect again.', 'error', 'backend_refused');
  } else if (!e.reconnect) {
    alertUser('Disconnected for good: ' + what + '. Fix the cause (a token?) and connect again.');
  }
}

// ---- tokens -----------------------------------------------------------------------------------------------

function userName() {
  const typed = $('user').value.trim();
  return /^[A-Za-z0-9_.-]{1,64}$/.test(typed) ? typed : 'guest';
}

/** Asks the token endpoint (the node's /dev/token in development mode) for a token; called by the SDK. */
async function fetchToken() {
  const url = new URL(fragment.get('tokenUrl') || '/dev/token', location.href);
  url.searchParams.set('user', userName());
  const why = crier && crier.state === 'connected' ? 'refresh' : 'connect';
  logEvent('token', 'token requested (' + why + ')', { reason: why });
  const res = await fetch(url);
  if (!res.ok) throw new Error('the token endpoint answered ' + res.status);
  return (await res.json()).token;
}

/**
 * A fixed token (fragment or pasted), else the token endpoint as a provider, else none: the session cookie, for the
 * node's connect hook.
 */
function tokenOption() {
  if (fragment.get('auth') === 'cookie') return null;
  const fixed = fragment.get('token') || $('token').value.trim();
  if (fixed) return fixed;
  if (fragment.has('tokenUrl') || devMode) return fetchToken;
  return null;
}

// ---- connect and disconnect -------------------------------------------------------------------------------

function connect() {
  const token = tokenOption();
  // No token: the SDK's auth command carries none, and a node with a connect hook asks the backend, which reads
  // the HttpOnly session cookie the browser sent with the upgrade (this page cannot read it, and need not).
  viaCookie = token === null;
  const client = new Crier(wsUrl, viaCookie ? {} : { token });
  // Events of a client the user has closed (a Disconnect, then a Connect) must not touch the page.
  const mine = (handler) => (e) => { if (client === crier) handler(e); };
  client.on('connecting', mine(onConnecting))
    .on('connected', mine(onConnected))
    .on('disconnected', mine(onDisconnected))
    .on('error', mine(onError))
    .on('expiring', mine((e) => logEvent('expiring', viaCookie
      ? 'session expires in ' + e.in + ' s, with its cookie: then the backend is asked again'
      : 'token expires in ' + e.in + ' s: refreshing it', { in: e.in })))
    .on('subscribed', mine(onServerSubscribed))
    .on('unsubscribed', mine((e) => logEvent('server-unsubscribed', 'the server ended the subscription to ' + e.topic,
      { topic: e.topic })))
    .on('publication', mine((p) => logEvent('server-publication', p.topic + ': ' + JSON.stringify(p.data),
      { topic: p.topic, offset: p.offset })));
  crier = client;
  everConnected = false;
  setState('connecting');
  client.connect();
  // The room joined last (a typo left in the box after a refused join does not count), else the box's.
  joinRoom($('chat').dataset.topic || $('room').value.trim());
  followTicker($('ticker').dataset.topic);
}

function disconnect() {
  const client = crier;
  crier = null;
  setBackendButtons(false);
  chat = null;
  ticker = null;
  online.clear();
  renderOnline();
  for (const id of ['chat', 'ticker']) $(id).dataset.subscribed = 'false';
  $('node').dataset.node = '';
  $('node').textContent = '-';
  $('session').textContent = '-';
  if (client) client.close();
  setState('disconnected', 'closed by you');
  logEvent('closed', 'closed by you');
}

/**
 * Errors of the client as a whole. A failed subscribe is reported here and by its subscription (which shows it,
 * naming the topic), and a failed command by its promise: only the connection's own problems become alerts.
 */
function onError(e) {
  logEvent('error', 'error: ' + describe(e), { code: e.code });
  if (CONNECTION_ERRORS.includes(e.code)) alertUser('Connection: ' + describe(e), 'error', e.code);
}

function describe(error) {
  return (error.code || 'error') + (error.message && error.message !== error.code ? ': ' + error.message : '');
}

// ---- the backend: rpc and server-side subscriptions --------------------------------------------------------

function setBackendButtons(enabled) {
  $('rpc-whoami').disabled = !enabled;
  $('rpc-time').disabled = !enabled;
}

/** Calls `method` on the backend through the node's rpc hook and shows the answer (or the error's codes). */
async function callBackend(method) {
  const client = crier;
  if (!client) return;
  const out = $('rpc-result');
  out.dataset.method = method;
  out.dataset.code = '';
  out.textContent = method + ' …';
  try {
    const data = await client.rpc(method);
    if (client !== crier) return;
    out.textContent = method + ' → ' + JSON.stringify(data);
    out.dataset.code = 'ok';
    if (data && typeof data.user === 'string') out.dataset.user = data.user;
    logEvent('rpc', 'rpc ' + method + ' answered', { method });
  } catch (e) {
    if (client !== crier) return;
    out.dataset.code = e.code;
    out.textContent = method + ' failed: ' + describe(e) + (e.appCode !== undefined ? ' (app code ' + e.appCode + ')' : '')
      + (e.code === 'not_available' ? ': this node has no rpc hook for namespace demo' : '');
  }
}

/** The node subscribed the session itself (the connect hook's or the token's topics): it is logged. */
function onServerSubscribed(e) {
  if (!e.server) return;
  logEvent('server-subscribed', 'subscribed by the server to ' + e.topic
    + (e.position ? ' (recovered: ' + e.recovered + ')' : ''), { topic: e.topic });
}

// ---- subscriptions: recovery marks --------------------------------------------------------------------------

/** After a reconnect: which offsets the recovery delivers (marked), or a warning that some were lost. */
function onSubscribed(e, feed) {
  if (!e.resubscribed) {
    if (!e.position) {
      append(feed, el('li', { className: 'system', 'data-kind': 'no-history' }, e.topic
        + ' keeps no history: what is published while you are disconnected is lost (see the footer).'));
    }
    return;
  }
  if (e.recovered) {
    recoverUpTo.set(e.topic, e.position ? e.position.offset : -1);
    append(feed, el('li', { className: 'system', 'data-kind': 'recovered', 'data-recovered': 'true' },
      'back after a reconnect: every missed message of ' + e.topic + ' is delivered (marked recovered)'));
    return;
  }
  recoverUpTo.delete(e.topic);
  append(feed, el('li', { className: 'system warning', 'data-kind': 'not-recovered', 'data-recovered': 'false' },
    'back after a reconnect, but what was missed on ' + e.topic + ' cannot be recovered'));
  alertUser('Messages sent to ' + e.topic + ' while you were away could not be recovered (recovered: false).'
    + (e.position ? ' Reload to see them.' : ' The topic keeps no history.'), 'warning', 'not_recovered');
}

function isRecovered(publication) {
  const upTo = recoverUpTo.get(publication.topic);
  return publication.offset !== undefined && upTo !== undefined && publication.offset <= upTo;
}

function recoveredBadge(recovered) {
  if (!recovered) return null;
  bump('recovered-count');
  return el('span', { className: 'badge', title: 'delivered by recovery after a reconnect' }, 'recovered');
}

// ---- chat and presence ------------------------------------------------------------------------------------

function joinRoom(topic) {
  if (!crier) return;
  if (!/^[A-Za-z0-9_.:@=-]{1,200}$/.test(topic)) {
    alertUser('"' + topic + '" is not a topic: 1 to 200 of A-Z a-z 0-9 _ - . : @ =', 'error', 'bad_topic');
    return;
  }
  const previous = chat;
  if (previous) previous.unsubscribe().catch((e) => alertUser('Leaving ' + previous.topic + ': ' + describe(e)));
  online.clear();
  renderOnline();
  $('presence-hint').textContent = '';
  $('messages').replaceChildren();
  $('chat').dataset.topic = topic;
  $('chat').dataset.subscribed = 'false';
  $('chat-topic').textContent = topic;
  const sub = crier.subscribe(topic, (p) => { if (chat === sub) showChat(p); });
  chat = sub;
  sub.on('subscribed', (e) => {
    if (chat !== sub) return;
    $('chat').dataset.subscribed = 'true';
    onSubscribed(e, $('messages'));
    loadPresence(sub);
  });
  sub.on('error', (e) => {
    if (chat !== sub) return;
    $('chat').dataset.subscribed = 'false';
    alertUser('Cannot join ' + topic + ': ' + describe(e), 'error', e.code);
  });
  sub.on('join', (e) => { if (chat === sub) presenceChange(e, true); });
  sub.on('leave', (e) => { if (chat === sub) presenceChange(e, false); });
}

function showChat(p) {
  const d = p.data;
  const isChat = d !== null && typeof d === 'object' && 'text' in d;
  const who = isChat && typeof d.user === 'string' ? d.user : 'backend';
  const recovered = isRecovered(p);
  append($('messages'), el('li', {
    className: 'msg' + (recovered ? ' recovered' : ''), 'data-offset': p.offset, 'data-recovered': String(recovered),
    'data-user': who, 'data-topic': p.topic,
  }, el('span', { className: 'when' }, time()), el('span', { className: 'who' }, who),
  el('span', { className: 'text' }, isChat ? String(d.text) : JSON.stringify(d)), recoveredBadge(recovered),
  p.offset !== undefined ? el('span', { className: 'offset' }, '#' + p.offset) : null));
}

async function send(ev) {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !crier || !chat) return;
  const topic = chat.topic;
  $('text').value = '';
  try {
    await crier.publish(topic, { user: $('whoami').textContent, text });
  } catch (e) {
    $('text').value = text;
    alertUser('Not sent to ' + topic + ': ' + describe(e), 'error', e.code);
  }
}

/** The presence command is the truth; join and leave pushes keep it current in between (PROTOCOL.md §5.3). */
async function loadPresence(sub) {
  try {
    const entries = await crier.presence(sub.topic);
    if (chat !== sub) return;
    online.clear();
    for (const entry of entries) addSession(entry.user, entry.session);
    renderOnline();
  } catch (e) {
    if (chat !== sub) return;
    $('presence-hint').textContent = e.code === 'not_available'
      ? 'Presence is off for this namespace: set namespace.' + sub.topic.split(':')[0]
        + '.presence=full and .joinLeave=true in the nodes\' config file.'
      : 'Presence: ' + describe(e);
  }
}

function addSession(user, session) {
  if (!online.has(user)) online.set(user, new Set());
  online.get(user).add(session);
}

function presenceChange(e, joined) {
  const known = online.has(e.user);
  if (joined) addSession(e.user, e.session);
  else if (known) {
    online.get(e.user).delete(e.session);
    if (online.get(e.user).size === 0) online.delete(e.user);
  }
  // A user is present while one of its sessions is: only the first join and the last leave are news.
  if (joined !== known || (!joined && !online.has(e.user))) {
    append($('messages'), el('li', { className: 'system', 'data-kind': joined ? 'join' : 'leave', 'data-user': e.user },
      (e.user || 'someone anonymous') + (joined ? ' joined' : ' left')));
  }
  renderOnline();
}

function renderOnline() {
  const users = [...online.keys()].sort();
  $('online').replaceChildren(...users.map((user) => {
    const sessions = online.get(user).size;
    return el('li', { 'data-user': user, 'data-sessions': sessions }, user || '(anonymous)',
      sessions > 1 ? el('span', { className: 'sessions', title: 'sessions' }, ' ×' + sessions) : null);
  }));
  $('online-count').textContent = String(users.length);
  $('online-count').dataset.count = String(users.length);
}

// ---- ticker -----------------------------------------------------------------------------------------------

function followTicker(topic) {
  const sub = crier.subscribe(topic, (p) => { if (ticker === sub) showTick(p); });
  ticker = sub;
  sub.on('subscribed', (e) => {
    if (ticker !== sub) return;
    $('ticker').dataset.subscribed = 'true';
    onSubscribed(e, $('ticks'));
  });
  sub.on('error', (e) => {
    if (ticker !== sub) return;
    $('ticker').dataset.subscribed = 'false';
    alertUser('Cannot follow the ticker ' + topic + ': ' + describe(e), 'error', e.code);
  });
}

function showTick(p) {
  const d = p.data !== null && typeof p.data === 'object' ? p.data : {};
  const price = Number(d.price);
  const recovered = isRecovered(p);
  $('price').textContent = Number.isFinite(price) ? price.toFixed(2) : '?';
  $('price').dataset.offset = p.offset === undefined ? '' : String(p.offset);
  $('symbol').textContent = typeof d.symbol === 'string' ? d.symbol : '';
  const move = lastPrice === null || price === lastPrice ? '' : price > lastPrice ? 'up' : 'down';
  $('move').className = 'move ' + move;
  $('move').textContent = move === 'up' ? '▲' : move === 'down' ? '▼' : '';
  lastPrice = price;
  append($('ticks'), el('li', {
    className: 'tick ' + move + (recovered ? ' recovered' : ''), 'data-offset': p.offset, 'data-seq': d.seq,
    'data-recovered': String(recovered),
  }, el('span', { className: 'when' }, time()),
  el('span', { className: 'offset' }, p.offset === undefined ? '' : '#' + p.offset),
  el('span', { className: 'p' }, Number.isFinite(price) ? price.toFixed(2) : JSON.stringify(p.data)),
  recoveredBadge(recovered)));
}

// ---- start ------------------------------------------------------------------------------------------------

async function probeDevMode() {
  try {
    return (await fetch('/dev/token?user=probe')).ok;
  } catch (e) {
    alertUser('Cannot reach the node: ' + e.message);
    return false;
  }
}

async function start() {
  $('user').value = fragment.get('user') || 'guest-' + Math.random().toString(36).slice(2, 7);
  $('room').value = fragment.get('room') || 'chat:lobby';
  const tickerTopic = fragment.get('ticker') || 'ticker:prices';
  $('ticker').dataset.topic = tickerTopic;
  $('ticker-topic').textContent = tickerTopic;
  $('ticker-cmd-topic').textContent = tickerTopic;
  $('connect').onclick = connect;
  $('disconnect').onclick = disconnect;
  $('rpc-whoami').onclick = () => callBackend('demo:whoami');
  $('rpc-time').onclick = () => callBackend('demo:time');
  $('room-form').onsubmit = (ev) => { ev.preventDefault(); joinRoom($('room').value.trim()); };
  $('compose').onsubmit = send;
  setState('disconnected');
  const byCookie = fragment.get('auth') === 'cookie';
  const fromFragment = byCookie || fragment.has('token') || fragment.has('tokenUrl');
  devMode = !fromFragment && await probeDevMode();
  $('token-row').hidden = devMode || fromFragment;
  $('user').disabled = byCookie;
  $('mode-hint').textContent = byCookie ? 'No token: your backend names you by your session cookie (its connect hook).'
    : fromFragment ? 'Token from the page address.'
      : devMode ? 'Development tokens: the node mints a token for the name you type (good on other nodes only if they'
        + ' share its secret, as deploy/bin/fleet\'s do).'
        : 'Paste a JWT signed with the node\'s secret (claims: sub, exp, subscribe, publish), or leave it empty to'
          + ' connect by your session cookie (a node with a connect hook), then Connect.';
  if (fromFragment || devMode) connect();
}

start();
