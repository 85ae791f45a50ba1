// The service worker of the skillspas offline verifier (issue 19): every file of the build is cached
// at install, and served from the cache, so the page starts and verifies with no network.
// The build writes the file list and the version (the SHA-256 of SHA256SUMS) below.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = "skillspas-verifier-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["./", ...FILES])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("skillspas-verifier-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(event.request, { ignoreSearch: true })) ?? fetch(event.request)));
});
