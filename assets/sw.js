/* Otinish service worker.
   - Caches the shell (stylesheet, script, icons, the offline page) under its content hash.
   - Keeps exactly one private page: the signed-in applicant's list of appeals (/cabinet) as
     last seen, shown when the server cannot be reached, marked as offline.
   - Forgets that page whenever anyone signs in, signs out or registers, so one person's
     appeals are never shown to the next person on the same device.
   Nothing else is cached: every other page always comes from the server.
   The server fills in the three placeholders below when it starts. */
"use strict";

var SHELL = "otinish-shell-__VERSION__";
var USER = "otinish-user";
var SHELL_URLS = __SHELL_URLS__;
var OFFLINE = "__OFFLINE__";
var CABINET = "/cabinet";
var FORGET_ON = ["/login", "/logout", "/register"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) { return cache.addAll(SHELL_URLS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys
          .filter(function (key) { return key.indexOf("otinish-shell-") === 0 && key !== SHELL; })
          .map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data === "forget") {
    event.waitUntil(caches.delete(USER));
  }
});

function remember(response) {
  var headers = new Headers(response.headers);
  headers.set("x-otinish-seen-at", String(Date.now()));
  return response.blob().then(function (body) {
    return caches.open(USER).then(function (cache) {
      return cache.put(CABINET, new Response(body, { status: 200, headers: headers }));
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE).then(function (hit) {
    return hit || new Response("offline", { status: 503, headers: { "content-type": "text/plain" } });
  });
}

/* The last-seen list, with the offline note shown and the time it was seen filled in. */
function lastSeenCabinet() {
  return caches.open(USER)
    .then(function (cache) { return cache.match(CABINET); })
    .then(function (hit) {
      if (!hit) {
        return offlinePage();
      }
      var seen = new Date(Number(hit.headers.get("x-otinish-seen-at")));
      return hit.text().then(function (html) {
        var lang = (/<html lang="([a-z]+)"/.exec(html) || [])[1] || "kk";
        var when;
        try {
          when = seen.toLocaleString(lang, { dateStyle: "short", timeStyle: "short" });
        } catch (e) {
          when = seen.toISOString();
        }
        html = html
          .replace("<body>", "<body class=\"offline\">")
          .replace("<time class=\"seen-at\"></time>",
            "<time class=\"seen-at\" datetime=\"" + seen.toISOString() + "\">" + when + "</time>");
        return new Response(html, { status: 200, headers: hit.headers });
      });
    });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (FORGET_ON.indexOf(url.pathname) !== -1) {
      event.waitUntil(caches.delete(USER));
    }
    return;
  }
  if (request.mode === "navigate") {
    if (url.pathname === CABINET && url.search === "") {
      event.respondWith(fetch(request).then(function (response) {
        if (response.status === 200 && response.type === "basic") {
          event.waitUntil(remember(response.clone()));
        }
        return response;
      }, lastSeenCabinet));
    } else {
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  if (SHELL_URLS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
