/* Otinish - progressive enhancement only. Every page works the same without this file:
   forms post, links navigate, errors are in the page. It adds three things:
   1. on a refused form, focus moves to the first field in error (or to the error summary);
   2. the installable-app service worker is registered;
   3. signing in or out forgets the last-seen list of appeals kept for offline use;
   4. the receipt's "Print / save as PDF" button (hidden without this file, where a hint
      names the browser's own Print command instead);
   5. a refused upload form, shown at its action's address, drops the CSRF token from the
      address bar and history (upload forms carry it in the URL so that the server checks it
      before it reads the files). */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  if (/[?&]csrf=/.test(location.search) && window.history && history.replaceState) {
    var params = new URLSearchParams(location.search);
    params.delete("csrf");
    var rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  var summary = document.getElementById("form-errors");
  if (summary) {
    var first = summary.parentNode.querySelector("[aria-invalid='true']");
    (first || summary).focus();
  }

  function forget() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
    if (window.caches) {
      caches.delete("otinish-user");
    }
  }

  document.addEventListener("submit", function (event) {
    var path = new URL(event.target.getAttribute("action") || "", location.href).pathname;
    if (path === "/login" || path === "/logout" || path === "/register") {
      forget();
    }
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
  }
})();
