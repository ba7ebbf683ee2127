// The queue page: waiting people (most dangerous first), conversations held, who is on duty.
// The server pushes a whole new view after every change; this script only draws it.
"use strict";

(function () {
  const { t, el } = window.TC;
  const template = document.getElementById("ticket-template");
  let state = JSON.parse(document.getElementById("initial-state").textContent);

  function fillTicket(ticket, mode) {
    const node = template.content.firstElementChild.cloneNode(true);
    node.classList.add("level-" + ticket.level);
    if (ticket.acute) node.classList.add("acute");
    node.dataset.session = ticket.session;
    const level = node.querySelector(".level");
    level.textContent = ticket.level_name;
    level.classList.add("level-" + ticket.level);
    node.querySelector(".short").textContent = "#" + ticket.short;
    node.querySelector(".language").textContent = ticket.language_name;
    const flags = node.querySelector(".flags");
    if (ticket.young) flags.appendChild(el("span", "flag", t("young")));
    if (ticket.children_affected) flags.appendChild(el("span", "flag", t("children")));
    const time = node.querySelector(".time");
    if (mode === "waiting") {
      time.dataset.since = String(ticket.since);
    } else {
      time.textContent = t("held_by") + " " + ticket.staff + " · " + t("talking_since") + " " +
        window.TC.clock(ticket.claimed_at);
    }
    node.querySelector(".categories").textContent = ticket.categories.join(" · ");
    const card = node.querySelector(".card");
    for (const row of ticket.card) {
      const item = el("div", row.warn ? "warn" : "");
      item.appendChild(el("dt", "", row.title));
      item.appendChild(el("dd", "", row.value));
      card.appendChild(item);
    }
    const form = node.querySelector("form.take");
    const button = form.querySelector("button");
    const open = node.querySelector("a.open");
    if (mode === "waiting") {
      form.action = "/queue/take/" + encodeURIComponent(ticket.session);
      button.textContent = t("take_this");
    } else if (ticket.staff === state.me) {
      form.remove();
      open.hidden = false;
      open.href = "/conversation/" + encodeURIComponent(ticket.session);
      open.textContent = t("open");
    } else {
      form.action = "/queue/take-over/" + encodeURIComponent(ticket.session);
      button.textContent = t("take_over");
    }
    return node;
  }

  function fillList(id, tickets, mode, empty) {
    const list = document.getElementById(id);
    list.replaceChildren();
    if (tickets.length === 0) list.appendChild(el("li", "empty", empty));
    for (const ticket of tickets) list.appendChild(fillTicket(ticket, mode));
  }

  function tick() {
    const now = Date.now() / 1000;
    document.querySelectorAll(".time[data-since]").forEach((node) => {
      node.textContent = t("waited") + " " + window.TC.duration(now - Number(node.dataset.since));
    });
  }

  function draw() {
    const status = document.getElementById("duty-status");
    status.textContent = state.on_duty ? t("on_duty") : t("off_duty");
    status.className = "duty-status " + (state.on_duty ? "on" : "off");
    document.getElementById("duty-on").value = state.on_duty ? "0" : "1";
    document.getElementById("duty-button").textContent = state.on_duty ? t("go_off_duty") : t("go_on_duty");
    document.getElementById("waiting-count").textContent = String(state.waiting.length);
    fillList("waiting", state.waiting, "waiting", t("nobody_waiting"));
    fillList("live", state.live, "live", t("no_conversations"));
    const colleagues = document.getElementById("colleagues");
    colleagues.replaceChildren();
    for (const name of state.colleagues) colleagues.appendChild(el("li", "", name));
    if (state.colleagues.length === 0) colleagues.appendChild(el("li", "empty", "–"));
    window.TC.standingBanner(state.acute_waiting > 0 ? t("acute_waiting", { n: state.acute_waiting }) : "", null);
    tick();
  }

  function onMessage(message) {
    if (message.type === "state") {
      state = message;
      draw();
    } else if (message.type === "alert") {
      const link = message.mine ? "/conversation/" + encodeURIComponent(message.ticket.session) : null;
      window.TC.showBanner(window.TC.alertText(message), link, true);
    } else if (message.type === "assigned") {
      window.TC.showBanner(t("assigned", { short: message.ticket.short }),
        "/conversation/" + encodeURIComponent(message.ticket.session), true);
    }
  }

  window.TC.onActions(document.querySelector("main"), (form, data) => {
    if (form.id === "duty-form") {
      state.on_duty = Boolean(data.on_duty);
      draw();
    } else if (data.url && data.url !== window.location.pathname) {
      window.location.assign(data.url);
    }
  });

  // Asked while the click still counts as the user's own gesture, as browsers require.
  document.getElementById("duty-button").addEventListener("click", () => {
    if (!state.on_duty) window.TC.askNotificationPermission();
  });

  draw();
  setInterval(tick, 1000);
  window.TC.connect(() => "/queue", onMessage, null);
})();
