/* Sammen service worker (root scope): keeps the last day list for offline use until the end
   of the shift, caches static files, and wipes everything at logout. */
"use strict";
var DAY = "sammen-day", STATIC = "sammen-static-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function wipe() {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (k) { return caches.delete(k); }));
  }).then(function () {
    return new Promise(function (resolve) {
      var r = indexedDB.deleteDatabase("sammen-visits");
      r.onsuccess = r.onerror = r.onblocked = function () { resolve(); };
    });
  });
}

function offlinePage(text) {
  return new Response(
    "<!doctype html><html lang=da><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>Offline – Sammen</title><main style='font-family:sans-serif;padding:1rem'><h1>Du er offline</h1><p>" +
    text + "</p></main></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("message", function (event) {
  if (event.data === "wipe") { event.waitUntil(wipe()); }
});

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.method === "POST" && url.pathname === "/log-ud/") {
    event.respondWith(wipe().then(function () { return fetch(req); }));
    return;
  }
  if (req.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(STATIC).then(function (cache) {
      return cache.match(req).then(function (hit) {
        return hit || fetch(req).then(function (resp) { if (resp.ok) { cache.put(req, resp.clone()); } return resp; });
      });
    }));
    return;
  }
  if (req.mode === "navigate" && url.pathname === "/besoeg/i-dag/" && !url.search) {
    event.respondWith(fetch(req).then(function (resp) {
      var expires = resp.headers.get("X-Sammen-Offline-Expires");
      if (resp.ok && expires && !resp.redirected) {
        var copy = resp.clone();
        caches.open(DAY).then(function (cache) {
          return copy.text().then(function (body) {
            return cache.put(req.url, new Response(body, { headers: {
              "Content-Type": "text/html; charset=utf-8", "X-Sammen-Offline-Expires": expires } }));
          });
        });
      }
      return resp;
    }).catch(function () {
      return caches.open(DAY).then(function (cache) {
        return cache.match(req.url).then(function (hit) {
          if (!hit) { return offlinePage("Kørelisten er ikke gemt på telefonen. Åbn den, når du har net."); }
          if (Date.parse(hit.headers.get("X-Sammen-Offline-Expires")) < Date.now()) {
            return cache.delete(req.url).then(function () {
              return offlinePage("Kørelisten fra i dag er udløbet ved vagtens slutning og slettet fra telefonen.");
            });
          }
          return hit;
        });
      });
    }));
  }
});
