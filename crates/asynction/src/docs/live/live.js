// Live reload of the docs page served by `asynction mock run --watch`: the server tells the
// version of the document it serves over server-sent events ({docs}/events); when it is not
// the version this page shows, the page reloads itself. Loaded from the docs path (never
// inline), under the same CSP as the console: script-src 'self', connect-src 'self'.
"use strict";
(function () {
  const meta = document.querySelector('meta[name="asynction-live"]');
  if (!meta || typeof EventSource === "undefined") return;
  const shown = meta.getAttribute("data-version");
  // EventSource reconnects by itself when the server restarts.
  const source = new EventSource(meta.getAttribute("content"));
  source.addEventListener("version", function (event) {
    if (event.data !== shown) {
      source.close();
      window.location.reload();
    }
  });
})();
