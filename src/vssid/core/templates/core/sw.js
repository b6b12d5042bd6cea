{% autoescape off %}// vssid service worker, served at /sw.js (scope "/") by vssid.core.views.service_worker.
//
// What it keeps: the layout's static files and the offline page — nothing else, ever. Pages hold
// personal data (names, numbers, photos, codes), so navigations always go to the network and are
// never stored; when the network is gone, the stored offline page is shown in their place. POSTs,
// photos (/to-khai/anh/), confirmations (/xac-nhan/), the desk (/can-bo/), accounts (/tai-khoan/)
// and the API (/api/) are never stored.
"use strict";

var CACHE = "vssid-__VERSION__";
var ASSETS = {{ assets_json }};
var OFFLINE_URL = {{ offline_url_json }};
var STATIC_URL = {{ static_url_json }};
var PRIVATE = ["/to-khai/anh/", "/xac-nhan/", "/can-bo/", "/tai-khoan/", "/api/", "/_outbox/", "/i18n/"];

function isPrivate(path) {
  return PRIVATE.some(function (prefix) { return path.indexOf(prefix) === 0; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Without cookies: the stored copy belongs to no session and holds no one's data.
    return Promise.all([
      cache.add(new Request(OFFLINE_URL, { credentials: "omit" })),
      cache.addAll(ASSETS),
    ]);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("vssid-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // Downloads (the PDF of the tờ khai) go straight to the browser.
    if (/\.pdf$/.test(url.pathname)) return;
    // Network first, and only the network: the answer is passed on, never stored.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE_URL).then(function (page) { return page || Response.error(); });
    }));
    return;
  }

  if (request.method !== "GET" || isPrivate(url.pathname) || url.pathname.indexOf(STATIC_URL) !== 0) return;

  // Static files: from the cache at once, refreshed from the network behind it.
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (stored) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      });
      if (stored) {
        event.waitUntil(fresh.catch(function () {}));
        return stored;
      }
      return fresh;
    });
  }));
});
{% endautoescape %}
