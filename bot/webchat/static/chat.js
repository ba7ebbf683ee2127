// Tryggchatt web chat. No libraries, no third-party requests, no cookies, no localStorage:
// the session token lives in sessionStorage only and is gone when the tab closes.
(function () {
  "use strict";
  var TEXTS = JSON.parse(document.getElementById("texts").textContent);
  var CONFIG = JSON.parse(document.getElementById("config").textContent);
  var logEl = document.getElementById("log");
  var statusEl = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var exitButton = document.getElementById("quick-exit");
  var languageSelect = document.getElementById("language");
  var lang = document.documentElement.lang;
  var socket = null;
  var retries = 0;
  var leaving = false;

  function token() {
    var value = sessionStorage.getItem("tc_token");
    if (!value) {
      var bytes = new Uint8Array(32);
      crypto.getRandomValues(bytes);
      value = btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      sessionStorage.setItem("tc_token", value);
    }
    return value;
  }

  function t(key) { return (TEXTS[lang] || TEXTS.sv)[key]; }

  function applyLanguage(code, rtl) {
    if (!TEXTS[code]) return;
    lang = code;
    document.documentElement.lang = code;
    document.documentElement.dir = rtl ? "rtl" : "ltr";
    document.title = t("title");
    document.getElementById("title").textContent = t("title");
    exitButton.textContent = t("quick_exit");
    document.getElementById("exit-note").textContent = t("quick_exit_note");
    input.placeholder = t("placeholder");
    document.querySelector("label[for=message]").textContent = t("placeholder");
    document.getElementById("send").textContent = t("send");
    document.getElementById("language-label").textContent = t("language");
    languageSelect.value = code;
  }

  function render(message) {
    if (message.id) sessionStorage.setItem("tc_last", message.id);
    if (message.role === "system") {
      if (message.kind === "language") applyLanguage(message.lang, message.rtl);
      return;
    }
    var bubble = document.createElement("div");
    bubble.className = "msg " + message.role + (message.urgent ? " urgent" : "");
    bubble.textContent = message.text;  // always text, never HTML
    if (message.buttons && message.buttons.length) {
      var choices = document.createElement("div");
      choices.className = "choices";
      message.buttons.forEach(function (row) {
        row.forEach(function (button) {
          var el = document.createElement("button");
          el.type = "button";
          el.textContent = button.label;
          el.addEventListener("click", function () { send({ type: "button", payload: button.payload }); });
          choices.appendChild(el);
        });
      });
      bubble.appendChild(choices);
    }
    logEl.appendChild(bubble);
    bubble.scrollIntoView({ block: "end" });
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/chat/ws");
    statusEl.textContent = retries ? t("reconnecting") : t("connecting");
    socket.addEventListener("open", function () {
      retries = 0;
      statusEl.textContent = "";
      socket.send(JSON.stringify({ type: "hello", token: token(), last_id: sessionStorage.getItem("tc_last") || "0-0", lang: lang }));
    });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      if (message.role === "system" && message.kind === "exited") return;
      render(message);
    });
    socket.addEventListener("close", function () {
      if (leaving) return;
      retries += 1;
      statusEl.textContent = t("reconnecting");
      setTimeout(connect, Math.min(1000 * retries, 10000));
    });
  }

  function quickExit() {
    leaving = true;
    var secret = sessionStorage.getItem("tc_token");
    if (secret) navigator.sendBeacon("/chat/exit", secret);
    try { if (socket) socket.close(); } catch (e) { /* leaving anyway */ }
    sessionStorage.clear();
    document.body.innerHTML = "";
    document.title = "";
    // replace(), not assign(): Back must not lead to this page again.
    var target = CONFIG.exitUrl;
    try { window.top.location.replace(target); } catch (e) { location.replace(target); }
  }

  exitButton.addEventListener("click", quickExit);
  languageSelect.addEventListener("change", function () {
    send({ type: "button", payload: "lang:" + languageSelect.value });
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") quickExit(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    send({ type: "text", text: text });
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  applyLanguage(lang, document.documentElement.dir === "rtl");
  connect();
})();
