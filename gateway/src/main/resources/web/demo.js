// Crier demo: a small live chat on the raw protocol (protocol/PROTOCOL.md), plain JavaScript, no build.
// A full client SDK with recovery replaces this hand-rolled connection code in a later version.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const wsUrl = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";

  let socket = null;
  let nextId = 1;
  let wanted = true;          // whether the user wants to stay connected
  let retryMs = 500;          // reconnect backoff, doubled per failure, with full jitter
  const pending = new Map();  // command id -> description, for error display
  const topics = new Set();   // topics to (re)subscribe after a reconnect
  let devMode = false;

  function show(text, cls, topic, who) {
    const li = document.createElement("li");
    if (cls) li.className = cls;
    if (topic) { const t = document.createElement("span"); t.className = "topic"; t.textContent = topic; li.append(t); }
    if (who) { const w = document.createElement("span"); w.className = "who"; w.textContent = who; li.append(w); }
    li.append(document.createTextNode(text));
    const list = $("messages");
    list.append(li);
    while (list.children.length > 500) list.firstChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  function setState(state, detail) {
    const el = $("state");
    el.textContent = detail ? state + " (" + detail + ")" : state;
    el.className = "state " + state;
    const up = state === "connected";
    for (const id of ["subscribe", "unsubscribe", "text", "send", "disconnect"]) $(id).disabled = !up;
    $("connect").disabled = state !== "disconnected";
    if (!up) $("node").textContent = "";
  }

  function send(type, fields, what) {
    const id = nextId++;
    pending.set(id, what || type);
    socket.send(JSON.stringify(Object.assign({ type, id }, fields)));
    return id;
  }

  async function token() {
    if (!devMode) return $("token").value.trim();
    const user = $("user").value.trim() || "guest";
    const res = await fetch("/dev/token?user=" + encodeURIComponent(user));
    if (!res.ok) throw new Error("token endpoint answered " + res.status);
    return (await res.json()).token;
  }

  async function connect() {
    wanted = true;
    setState("connecting");
    let jwt;
    try { jwt = await token(); } catch (e) { show("cannot get a token: " + e.message, "error"); setState("disconnected"); return; }
    socket = new WebSocket(wsUrl);
    socket.onopen = () => send("auth", { token: jwt }, "auth");
    socket.onmessage = (ev) => onFrame(JSON.parse(ev.data));
    socket.onerror = () => show("connection error", "error");
    socket.onclose = (ev) => onClose(ev);
  }

  function onFrame(msg) {
    switch (msg.type) {
      case "welcome":
        retryMs = 500;
        setState("connected");
        $("node").textContent = "node " + msg.node + ", session " + msg.session;
        show("connected as " + msg.user + " to node " + msg.node, "system");
        for (const t of topics) send("subscribe", { topic: t }, "subscribe " + t);
        break;
      case "message": {
        const d = msg.data;
        if (d && typeof d === "object" && "text" in d) show(String(d.text), "", msg.topic, String(d.user || "?"));
        else show(JSON.stringify(d), "", msg.topic);
        break;
      }
      case "ok": pending.delete(msg.id); break;
      case "error": {
        const what = pending.get(msg.id) || "command";
        pending.delete(msg.id);
        show(what + " failed: " + msg.code + " (" + msg.message + ")", "error");
        break;
      }
      case "disconnect":
        show("server disconnects: " + msg.reason + " (" + msg.code + ")" + (msg.reconnect ? ", reconnecting" : ""), "system");
        if (!msg.reconnect) wanted = false;
        break;
      default: break; // heartbeats and pushes of later versions
    }
  }

  function onClose(ev) {
    socket = null;
    pending.clear();
    const noRetry = ev.code >= 4500 || ev.code === 1003 || ev.code === 1007 || ev.code === 1009;
    if (wanted && !noRetry) {
      const delay = Math.random() * retryMs;
      retryMs = Math.min(retryMs * 2, 20000);
      setState("connecting", "retry in " + Math.round(delay) + " ms");
      setTimeout(() => { if (wanted) connect(); }, delay);
    } else {
      setState("disconnected", ev.code ? "code " + ev.code + (ev.reason ? " " + ev.reason : "") : "");
    }
  }

  function renderTopics() { $("topics").textContent = topics.size ? "subscribed: " + [...topics].join(", ") : ""; }

  $("connect").onclick = connect;
  $("disconnect").onclick = () => { wanted = false; if (socket) socket.close(1000, "bye"); };
  $("subscribe").onclick = () => {
    const t = $("topic").value.trim();
    topics.add(t); renderTopics();
    send("subscribe", { topic: t }, "subscribe " + t);
  };
  $("unsubscribe").onclick = () => {
    const t = $("topic").value.trim();
    topics.delete(t); renderTopics();
    send("unsubscribe", { topic: t }, "unsubscribe " + t);
  };
  $("compose").onsubmit = (ev) => {
    ev.preventDefault();
    const text = $("text").value;
    if (!text || !socket) return;
    send("publish", { topic: $("topic").value.trim(), data: { user: $("user").value.trim() || "guest", text } }, "publish");
    $("text").value = "";
  };

  // Development mode (no secret configured) serves tokens at /dev/token; otherwise paste a JWT.
  fetch("/dev/token?user=probe").then((res) => {
    devMode = res.ok;
    $("token-row").hidden = devMode;
    $("mode-hint").textContent = devMode
      ? "Development mode: this node mints a token for any name you type."
      : "Paste a JWT signed with the node's secret (claims: sub, exp, subscribe, publish).";
    $("user").value = "guest-" + Math.random().toString(36).slice(2, 7);
    if (devMode) { topics.add($("topic").value.trim()); renderTopics(); }
  }).catch(() => { $("mode-hint").textContent = "Cannot reach the node."; });
  setState("disconnected");
})();
