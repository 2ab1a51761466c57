// The field app's service worker (served from /field/sw.js so that its scope is the app).
// Release {{ version }}: the page and the files below are kept at install; the page is asked of
// the network first (a signed-in officer sees today's state) and taken from the cache when there
// is no network; the files are taken from the cache (a new release has a new name and replaces
// them). Road tiles already seen are kept too, so the map still draws where the officer has been.
// API calls are never answered from here: the app's outbox decides what to do without a network.
const RELEASE = "field-{{ version }}";
const TILES = "field-tiles";
const SHELL = {{ shell_json|safe }};
const APP_URL = "{{ app_url }}";
const MAX_TILES = 2000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(RELEASE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((n) => n.startsWith("field-") && n !== RELEASE && n !== TILES).map((n) => caches.delete(n))
  )).then(() => self.clients.claim()));
});

// The kept page is the signed-in officer's (their name, their CSRF token): it is replaced by
// each fresh one, and dropped as soon as the server sends the app elsewhere (to sign in: the
// session is over). The sign-in page drops it too (static web/field/signed-out.js), so an
// offline start after a sign-out never opens as the officer who left.
async function pageFirstFromNetwork(request) {
  const cache = await caches.open(RELEASE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(APP_URL, response.clone());
    else if (response.redirected || response.type === "opaqueredirect" || response.status === 401 ||
             response.status === 403) await cache.delete(APP_URL);
    return response;
  } catch (err) {
    const kept = await cache.match(APP_URL);
    if (kept) return kept;
    throw err;
  }
}

async function fromCacheFirst(request) {
  const kept = await caches.match(request, {ignoreSearch: false});
  if (kept) return kept;
  return fetch(request);
}

async function tile(request) {
  const cache = await caches.open(TILES);
  const kept = await cache.match(request);
  const fresh = fetch(request).then(async (response) => {
    if (response.ok) {
      await cache.put(request, response.clone());
      const keys = await cache.keys();
      for (const old of keys.slice(0, Math.max(0, keys.length - MAX_TILES))) await cache.delete(old);
    }
    return response;
  });
  if (kept) { fresh.catch(() => null); return kept; }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === APP_URL) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (url.pathname.startsWith("/tiles/roads/")) {
    event.respondWith(tile(request));
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(fromCacheFirst(request));
  }
});
