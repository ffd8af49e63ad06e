// The status page: lists the fleet's live nodes from GET /api/v1/nodes (admin key as a Bearer token).
// Plain browser JavaScript, no build step.
(function () {
  'use strict';

  var REFRESH_MS = 5000;
  var KEY_ITEM = 'crier.adminKey';
  var keyInput = document.getElementById('key');
  var state = document.getElementById('state');
  var answeredBy = document.getElementById('answered-by');
  var summary = document.getElementById('summary');
  var table = document.getElementById('nodes');
  var rows = table.querySelector('tbody');
  var timer = null;

  function setState(text, cls) {
    state.textContent = text;
    state.className = 'state ' + cls;
  }

  function uptime(ms) {
    var s = Math.floor(ms / 1000);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d > 0) { return d + 'd ' + h + 'h'; }
    if (h > 0) { return h + 'h ' + m + 'm'; }
    return m + 'm ' + (s % 60) + 's';
  }

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text; // textContent: node records come from Redis and are never parsed as HTML
    if (cls) { td.className = cls; }
    row.appendChild(td);
  }

  function show(body) {
    rows.textContent = '';
    body.nodes.forEach(function (node) {
      var row = document.createElement('tr');
      if (node.id === body.node) { row.className = 'self'; }
      cell(row, node.id);
      cell(row, node.address);
      cell(row, String(node.connections), 'num');
      cell(row, uptime(node.uptimeMs), 'num');
      cell(row, node.version);
      cell(row, new Date(node.startedAt).toLocaleString());
      rows.appendChild(row);
    });
    var total = body.nodes.reduce(function (sum, node) { return sum + node.connections; }, 0);
    summary.className = 'hint';
    summary.textContent = body.nodes.length + ' live node(s), ' + total + ' connection(s); updated '
        + new Date().toLocaleTimeString() + '.';
    answeredBy.textContent = 'answered by ' + body.node;
    table.hidden = false;
    setState('live', 'connected');
  }

  function fail(text) {
    summary.className = 'hint error';
    summary.textContent = text;
    setState('error', 'disconnected');
  }

  function load() {
    var key = sessionStorage.getItem(KEY_ITEM);
    if (!key) { return; }
    setState('loading', 'connecting');
    fetch('/api/v1/nodes', { headers: { 'Authorization': 'Bearer ' + key }, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) { throw new Error('The admin key is wrong (401).'); }
        if (response.status === 404) { throw new Error('The admin API is off on this node (admin.key is empty).'); }
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error((body.error && body.error.message) || ('HTTP ' + response.status));
          }
          return body;
        });
      })
      .then(show)
      .catch(function (error) { fail(error.message); });
  }

  function start() {
    if (timer !== null) { clearInterval(timer); }
    load();
    timer = setInterval(load, REFRESH_MS);
  }

  document.getElementById('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (keyInput.value) { sessionStorage.setItem(KEY_ITEM, keyInput.value); }
    keyInput.value = '';
    start();
  });

  document.getElementById('forget').addEventListener('click', function () {
    sessionStorage.removeItem(KEY_ITEM);
    if (timer !== null) { clearInterval(timer); timer = null; }
    rows.textContent = '';
    table.hidden = true;
    summary.className = 'hint';
    summary.textContent = 'Enter the admin key to list the nodes.';
    answeredBy.textContent = '';
    setState('no key', 'disconnected');
  });

  if (sessionStorage.getItem(KEY_ITEM)) { start(); }
}());
