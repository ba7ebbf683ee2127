// Tryggchatt embed snippet for a municipality's site:
//   <script src="https://chat.example-kommun.se/chat/static/embed.js" defer></script>
// Adds one button that opens the anonymous chat in a small window on top of the page. Loads
// nothing else, sets no cookies, and the chat itself runs on the chat server's origin.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.src).origin;
  var label = script.getAttribute("data-label") || "Chatta anonymt / Chat anonymously";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("style", "position:fixed;bottom:1rem;right:1rem;z-index:2147483000;padding:.8rem 1.1rem;" +
    "border:0;border-radius:2rem;background:#20435c;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer");
  var frame = null;
  button.addEventListener("click", function () {
    if (frame) { frame.remove(); frame = null; return; }
    frame = document.createElement("iframe");
    frame.src = base + "/chat" + (document.documentElement.lang ? "?lang=" + encodeURIComponent(document.documentElement.lang.slice(0, 2)) : "");
    frame.title = label;
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("style", "position:fixed;bottom:4.5rem;right:1rem;width:min(400px,calc(100vw - 2rem));" +
      "height:min(640px,calc(100vh - 6rem));border:1px solid #ccc;border-radius:.8rem;z-index:2147483000;background:#fff");
    document.body.appendChild(frame);
  });
  document.body.appendChild(button);
})();
