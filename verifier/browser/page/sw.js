// The service worker of the skillspas offline verifier (issue 19): every file of the build is cached
// at install, and served from the cache, so the page starts and verifies with no network.
// bundle.json (trust list, DID documents, status lists) is the exception: it is fetched from the
// site whenever there is a network, and the last one fetched is kept (in its own cache, which a new
// version of the page does not delete) and served when there is none.
// The build writes the file list and the version (a SHA-256 over the cached files) below.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = "skillspas-verifier-" + VERSION;
const BUNDLE_CACHE = "skillspas-bundle";

async function keepBundle() {  // at install too: the first visit's page was not yet served by this worker
  try {
    const response = await fetch("bundle.json", { cache: "no-store" });
    if (response.ok) await (await caches.open(BUNDLE_CACHE)).put(new URL("bundle.json", self.registration.scope).href, response);
  } catch {
    // no bundle now: the page says so, and the next visit online fetches it
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(["./", ...FILES])).then(keepBundle).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("skillspas-verifier-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function freshBundle(request) {
  const kept = await caches.open(BUNDLE_CACHE);
  const key = new URL("bundle.json", self.registration.scope).href;
  try {
    const response = await fetch(request, { cache: "no-store" });
    if (response.ok) await kept.put(key, response.clone());
    return response;
  } catch {  // no network: the bundle fetched last time
    return (await kept.match(key)) ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  if (new URL(event.request.url).pathname.endsWith("/bundle.json")) {
    event.respondWith(freshBundle(event.request));
    return;
  }
  event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(event.request, { ignoreSearch: true })) ?? fetch(event.request)));
});
