// Shared by the queue and conversation pages: texts, actions over fetch, the live socket,
// and the alert (banner, a sound made with the Web Audio API, a desktop notification).
// Everything that came from a person or a server is put on screen with textContent only.
"use strict";

(function () {
  const texts = JSON.parse(document.getElementById("ui-texts").textContent);
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  function t(key, values) {
    let text = texts[key] || key;
    for (const [name, value] of Object.entries(values || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clock(epochSeconds) {
    const d = new Date(epochSeconds * 1000);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const m = Math.floor(s / 60);
    return m > 0 ? m + " " + t("minutes") + " " + (s % 60) + " " + t("seconds") : s + " " + t("seconds");
  }

  function setStatus(text, isError) {
    const status = document.getElementById("action-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
  }

  // A form with class "action" is sent with fetch; the server answers JSON
  // ({ok, url, error}). Without JavaScript the same form posts and redirects.
  async function submit(form) {
    const body = new FormData(form);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
      });
    } catch (error) {
      setStatus(t("send_failed"), true);
      return null;
    }
    if (response.status === 401) {
      window.location.assign("/login");
      return null;
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (!response.ok || !data.ok) {
      setStatus(data.error || t("send_failed"), true);
      return null;
    }
    setStatus("");
    return data;
  }

  function onActions(root, after) {
    root.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("action")) return;
      event.preventDefault();
      unlockSound();
      const buttons = form.querySelectorAll("button");
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const data = await submit(form);
        if (data) after(form, data);
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  }

  function showConnection(open) {
    const line = document.getElementById("connection");
    if (!line) return;
    line.textContent = open ? "" : t("reconnecting");
    line.hidden = open;
  }

  // The page's socket: same origin, reconnects with a growing pause.
  function connect(path, onMessage, onState) {
    let attempt = 0;
    let stopped = false;
    function open() {
      const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      const socket = new WebSocket(scheme + window.location.host + path());
      socket.addEventListener("open", () => {
        attempt = 0;
        showConnection(true);
        if (onState) onState(true);
      });
      socket.addEventListener("message", (event) => {
        let data;
        try { data = JSON.parse(event.data); } catch (error) { return; }
        onMessage(data);
      });
      socket.addEventListener("close", (event) => {
        showConnection(false);
        if (onState) onState(false);
        if (event.code === 4401) { window.location.assign("/login"); return; }
        if (stopped) return;
        attempt += 1;
        setTimeout(open, Math.min(15000, 500 * 2 ** Math.min(attempt, 5)));
      });
    }
    open();
    return { stop() { stopped = true; } };
  }

  // --- the alert ---
  let audio = null;
  function unlockSound() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("click", unlockSound);

  function beep() {
    if (!audio) return;
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < 3; i += 1) {
      const at = start + i * 0.4;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = "square";
      tone.frequency.value = i % 2 === 0 ? 880 : 660;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      tone.connect(gain).connect(audio.destination);
      tone.start(at);
      tone.stop(at + 0.32);
    }
  }

  function askNotificationPermission() {
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
  }

  function notify(text) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    if (!document.hidden) return;  // the banner and the sound are enough on a visible page
    try {
      new Notification(t("notification_title"), { body: text, tag: "tryggchatt-alert", requireInteraction: true });
    } catch (error) { /* some browsers allow notifications only from a service worker */ }
  }

  const banner = document.getElementById("alert-banner");
  let bannerDismissedFor = "";

  function showBanner(text, link, sound) {
    if (!banner) return;
    document.getElementById("alert-text").textContent = text;
    const anchor = document.getElementById("alert-link");
    anchor.hidden = !link;
    if (link) { anchor.href = link; anchor.textContent = t("open"); }
    banner.hidden = false;
    bannerDismissedFor = "";
    if (sound) { beep(); notify(text); }
  }

  function hideBanner() { if (banner) banner.hidden = true; }

  // A standing condition (acute people waiting) keeps the banner up until dismissed; once
  // dismissed it stays down until the condition changes.
  function standingBanner(text, link) {
    if (!banner) return;
    if (!text) { if (bannerDismissedFor !== "alert") hideBanner(); return; }
    if (bannerDismissedFor === text) return;
    document.getElementById("alert-text").textContent = text;
    const anchor = document.getElementById("alert-link");
    anchor.hidden = !link;
    if (link) { anchor.href = link; anchor.textContent = t("open"); }
    banner.hidden = false;
  }

  if (banner) {
    document.getElementById("alert-dismiss").addEventListener("click", () => {
      bannerDismissedFor = document.getElementById("alert-text").textContent;
      hideBanner();
    });
  }

  function alertText(alert) {
    const ticket = alert.ticket;
    const categories = ticket.categories.join(" · ");
    if (ticket.staff === null || ticket.staff === undefined) {
      return t("alert_new", { language: ticket.language_name, categories: categories });
    }
    if (alert.mine) {
      return t("alert_mine", { short: alert.short, level: ticket.level_name, categories: categories });
    }
    return t("alert_other", { short: alert.short, level: ticket.level_name, staff: ticket.staff });
  }

  window.TC = {
    t, el, clock, duration, setStatus, onActions, connect, showBanner, standingBanner,
    alertText, askNotificationPermission, unlockSound, csrf,
  };
})();
