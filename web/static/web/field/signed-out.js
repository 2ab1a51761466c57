/* On the sign-in page (where signing out lands): the field app's page kept by its service
 * worker carries the last officer's identity and CSRF token; it is removed, so that the app
 * opened offline after a sign-out does not open as that officer (web/templates/web/field/sw.js).
 * Only the page: the outbox (IndexedDB) keeps every officer's unsent work, and the cached
 * scripts and road tiles hold no one's data. */
(function () {
  "use strict";
  if (!self.caches) return;
  const app = document.currentScript.dataset.app;
  caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("field-"))
    .map((n) => caches.open(n).then((cache) => cache.delete(app)))))
    .catch(() => { /* storage unavailable (private window): nothing was kept either */ });
})();
