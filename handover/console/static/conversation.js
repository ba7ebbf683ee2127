// A conversation page: the chat both ways, live. What is sent goes through the page's forms
// (fetch POST); what arrives — both sides' messages, danger rising, the conversation ending —
// comes over the socket. Every text is set with textContent.
"use strict";

(function () {
  const { t, el } = window.TC;
  const root = document.querySelector(".conversation");
  const session = root.dataset.session;
  const me = root.dataset.me;
  const messages = document.getElementById("messages");
  const seen = new Set();
  let lastId = root.dataset.lastId || "0";
  let ended = false;
  messages.querySelectorAll("li[data-id]").forEach((node) => seen.add(node.dataset.id));

  function newMessageId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const messageId = document.getElementById("message-id");
  messageId.value = newMessageId();

  function scrollDown() { messages.scrollTop = messages.scrollHeight; }

  function addMessage(message) {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    lastId = message.id;
    const item = el("li", "msg from-" + message.from + " kind-" + message.kind);
    item.dataset.id = message.id;
    const who = message.from === "user" ? t("person") : (message.staff === me ? t("you") : message.staff);
    item.appendChild(el("span", "who", who));
    item.appendChild(el("time", "", window.TC.clock(message.at)));
    const text = el("p", "text", message.text);
    text.dir = "auto";
    item.appendChild(text);
    messages.appendChild(item);
    scrollDown();
  }

  function addNote(note) {
    const item = el("li");
    item.appendChild(el("span", "who", note.staff));
    item.appendChild(document.createTextNode(" "));
    item.appendChild(el("time", "", window.TC.clock(note.at)));
    item.appendChild(el("p", "text", note.text));
    document.getElementById("notes").appendChild(item);
  }

  function showTicket(ticket) {
    const level = document.getElementById("ticket-level");
    level.textContent = ticket.level_name;
    level.className = "level level-" + ticket.level;
    const summary = document.getElementById("summary");
    summary.className = "panel summary level-" + ticket.level;
    document.getElementById("ticket-categories").textContent = ticket.categories.join(" · ");
  }

  function end(text) {
    ended = true;
    document.getElementById("ended-text").textContent = text;
    document.getElementById("ended").hidden = false;
    root.querySelectorAll("form.action button, form.action textarea, form.action select")
      .forEach((node) => { node.disabled = true; });
  }

  function setColleagues(names) {
    const select = document.getElementById("transfer-to");
    const others = names.filter((name) => name !== me).sort();
    const current = select.value;
    select.replaceChildren();
    for (const name of others) {
      const option = el("option", "", name);
      option.value = name;
      select.appendChild(option);
    }
    if (others.includes(current)) select.value = current;
    document.getElementById("no-colleagues").hidden = others.length > 0;
  }

  function onMessage(message) {
    if (message.type === "message") {
      addMessage(message.message);
    } else if (message.type === "note") {
      addNote(message.note);
    } else if (message.type === "alert") {
      if (message.ticket.session === session) {
        showTicket(message.ticket);
        const banner = document.getElementById("danger-banner");
        banner.textContent = window.TC.alertText(message);
        banner.hidden = false;
        window.TC.showBanner(window.TC.alertText(message), null, true);
      } else {
        window.TC.showBanner(window.TC.alertText(message), "/queue", true);
      }
    } else if (message.type === "ended") {
      end(message.text);
    } else if (message.type === "colleagues") {
      setColleagues(message.on_duty);
    } else if (message.type === "assigned") {
      window.TC.showBanner(t("assigned", { short: message.ticket.short }),
        "/conversation/" + encodeURIComponent(message.ticket.session), true);
    }
  }

  window.TC.onActions(root, (form, data) => {
    if (form.id === "composer") {
      document.getElementById("text").value = "";
      messageId.value = newMessageId();
    } else if (form.id === "note-form") {
      document.getElementById("note").value = "";
    } else if (data.url && data.url !== window.location.pathname) {
      window.location.assign(data.url);
    }
  });

  // Enter sends, Shift+Enter makes a new line.
  document.getElementById("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });

  scrollDown();
  const socket = window.TC.connect(
    () => window.location.pathname + "?after=" + encodeURIComponent(lastId),
    onMessage,
    () => { if (ended) socket.stop(); },
  );
})();
