/* The device's outbox: everything the officer does is written here first (IndexedDB), then sent.
 *
 * An item is one thing the officer did: a report (with its photos as Blobs), an outcome, a
 * status change, a shift start or end, a batch of GPS fixes. Each carries a client id (`key`,
 * a UUID made when it was done); the server's exactly-once layer (Idempotency-Key, and the
 * report's client_id) turns a repeat of the same key into the first answer, so an item sent
 * twice (the answer was lost, the tablet was reloaded mid-send) is stored once.
 *
 * Items are sent oldest first, one at a time. What happens to an item after an answer:
 *   2xx                      → done, removed (a report first records its new problem id, then
 *                               sends each photo under its own key, then is removed);
 *   no answer / 5xx / 408 / 429 → stays pending (a 5xx with the server's words); sending stops
 *                               until the next attempt;
 *   401 (signed out)         → stays pending; the app asks the officer to sign in again;
 *   another officer's item   → stays pending until that officer signs in on this tablet (a shared
 *                               tablet never sends one person's work under another's name). Each
 *                               item carries its officer and is sent with `X-Field-Officer`; when
 *                               the browser's session now belongs to someone else (another tab
 *                               signed in as them) the server answers 401 `other_officer` and the
 *                               item waits, as when signed out;
 *   any other 4xx (400, 403, 404, 409, 413, 422 …) → the item's own problem (a field too long,
 *                               the problem closed meanwhile): kept as a conflict with the
 *                               server's words, shown to the officer, who may retry it or set it
 *                               aside; the items behind it are sent. Never dropped silently.
 *
 * FieldOutbox.open() → outbox with add(kind, payload, photos), list(), count(), flush(),
 * retry(id), amend(id, payload), discard(id); it calls onChange() after every change.
 */
(function () {
  "use strict";
  const DB_NAME = "patrol-field";
  const STORE = "outbox";
  const CACHE = "cache";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, {keyPath: "id", autoIncrement: true});
        if (!db.objectStoreNames.contains(CACHE)) db.createObjectStore(CACHE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrfToken(fallback) {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : fallback;
  }

  class Unreachable extends Error {}
  class SignedOut extends Error {}
  class OtherOfficer extends Error {}  // the session is now another officer's (another tab signed in)

  /** The header naming who made an item; the API refuses it under anyone else's session. */
  const OFFICER_HEADER = "X-Field-Officer";
  // Answers that say "not now", not "not this": the item waits and is sent again as it is.
  const TRY_LATER = [408, 429];

  class Refused extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function answer(response) {
    if (response.ok) return response.status === 204 ? {} : response.json();
    const status = response.status;
    let message = status >= 500 ? `服务器暂时无法处理（${status}）` : `服务器拒绝（${status}）`;
    let code = "";
    try {
      const body = await response.json();
      code = body.code || "";
      const detail = body.detail || body.title;
      const fields = body.errors ? Object.values(body.errors).flat().filter((m) => m !== detail).join("；") : "";
      message = [detail, fields].filter(Boolean).join("：") || message;
    } catch (e) { /* not JSON: keep the status line */ }
    if (status === 401 && code === "other_officer") throw new OtherOfficer(message);
    if (status === 401) throw new SignedOut(message);
    if (status >= 400 && status < 500 && !TRY_LATER.includes(status)) throw new Refused(status, message);
    throw new Unreachable(message);  // 5xx, 408, 429: try again later
  }

  class Outbox {
    constructor(db, options) {
      this.db = db;
      this.csrf = options.csrf;
      this.urls = options.urls;
      this.onChange = options.onChange || (() => {});
      this.onSignedOut = options.onSignedOut || (() => {});
      this.onOtherOfficer = options.onOtherOfficer || this.onSignedOut;
      this.officer = options.officer;  // a shared tablet: each item is sent only by who did it
      this.flushing = null;
    }

    tx(mode) { return this.db.transaction(STORE, mode).objectStore(STORE); }

    async add(kind, payload, photos) {
      const item = {kind, payload, photos: (photos || []).map((blob) => ({blob, sent: false})), key: uuid(),
                    officer: this.officer,
                    created: new Date().toISOString(), state: "pending", message: "", result: null};
      if (kind === "report") item.payload.client_id = item.key;
      item.id = await request(this.tx("readwrite").add(item));
      this.onChange();
      return item;
    }

    list() { return request(this.tx("readonly").getAll()); }

    async count() {
      const items = await this.list();
      return {pending: items.filter((i) => i.state === "pending").length,
              conflict: items.filter((i) => i.state === "conflict").length, all: items.length};
    }

    async put(item) { await request(this.tx("readwrite").put(item)); this.onChange(); }

    async remove(id) { await request(this.tx("readwrite").delete(id)); this.onChange(); }

    async retry(id) {
      const item = await request(this.tx("readonly").get(id));
      if (!item) return;
      item.state = "pending"; item.message = "";
      await this.put(item);
      return this.flush();
    }

    /** A refused item with its payload corrected by the officer: pending again, same key (a
     *  refused request kept nothing on the server, so the key is still free). */
    async amend(id, payload) {
      const item = await request(this.tx("readonly").get(id));
      if (!item) return;
      item.payload = payload; item.state = "pending"; item.message = ""; delete item.status;
      await this.put(item);
    }

    discard(id) { return this.remove(id); }

    async remember(name, value) {
      const store = this.db.transaction(CACHE, "readwrite").objectStore(CACHE);
      await request(store.put(value, name));
    }

    async recall(name) {
      return request(this.db.transaction(CACHE, "readonly").objectStore(CACHE).get(name));
    }

    /** Send what is pending, oldest first; one flush at a time. Resolves to the number sent. */
    flush() {
      if (!this.flushing) {
        this.flushing = this._flush().finally(() => { this.flushing = null; });
      }
      return this.flushing;
    }

    async _flush() {
      let sent = 0;
      const items = (await this.list()).filter((i) => i.state === "pending" && i.officer === this.officer)
        .sort((a, b) => a.id - b.id);
      for (const item of items) {
        try {
          await this._send(item);
          await this.remove(item.id);
          sent += 1;
        } catch (err) {
          if (err instanceof Refused) {
            item.state = "conflict"; item.message = err.message; item.status = err.status;
            await this.put(item);
            continue;  // this item's own problem: the ones behind it still go
          }
          if (err instanceof OtherOfficer) {
            this.onOtherOfficer(err.message);
            item.message = "本机当前登录的是另一账号：记录它的账号重新登录后发送";
          } else if (err instanceof SignedOut) {
            this.onSignedOut(err.message);
            item.message = "需要重新登录后发送";
          } else {
            item.message = err.noAnswer ? "等待网络" : `${err.message}，稍后自动重发`;
          }
          await this.put(item);
          break;  // no network, server busy, signed out or someone else's session: the rest waits too
        }
      }
      return sent;
    }

    async _post(url, key, body, isForm, officer) {
      const headers = {"Idempotency-Key": key, "X-CSRFToken": csrfToken(this.csrf), "Accept": "application/json"};
      if (!isForm) headers["Content-Type"] = "application/json";
      if (officer != null) headers[OFFICER_HEADER] = String(officer);
      let response;
      try {
        response = await fetch(url, {method: "POST", headers, body: isForm ? body : JSON.stringify(body),
                                     credentials: "same-origin"});
      } catch (e) {
        const err = new Unreachable("没有网络");
        err.noAnswer = true;
        throw err;
      }
      return answer(response);
    }

    url(name, id) { return this.urls[name].replace("/0/", `/${id}/`); }

    async _send(item) {
      const p = item.payload;
      switch (item.kind) {
        case "report": {
          if (!item.result) {
            item.result = await this._post(this.urls.problems, item.key, p, false, item.officer);
            await this.put(item);
          }
          for (let i = 0; i < item.photos.length; i += 1) {
            const photo = item.photos[i];
            if (photo.sent) continue;
            const form = new FormData();
            form.append("kind", "before");
            form.append("photo", photo.blob, `photo-${i + 1}.jpg`);
            try {
              await this._post(this.url("photos", item.result.id), `${item.key}-photo-${i + 1}`, form, true, item.officer);
            } catch (err) {
              if (err instanceof Refused) err.message = `问题 #${item.result.id} 已上报，但照片${i + 1}未能上传：${err.message}`;
              throw err;
            }
            photo.sent = true;
            await this.put(item);
          }
          return item.result;
        }
        case "outcome":
          return this._post(this.url("outcomes", p.problem), item.key, p.body, false, item.officer);
        case "transition":
          return this._post(this.url("transition", p.problem), item.key, p.body, false, item.officer);
        case "shift_start":
          return this._post(this.url("shift_start", p.shift), item.key, {}, false, item.officer);
        case "shift_end":
          return this._post(this.url("shift_end", p.shift), item.key, {}, false, item.officer);
        case "fixes":
          return this._post(this.url("shift_fixes", p.shift), item.key, {device_id: p.device_id, fixes: p.fixes},
                            false, item.officer);
        default:
          throw new Refused(0, `未知的记录类型 ${item.kind}`);
      }
    }
  }

  async function open(options) {
    return new Outbox(await openDb(), options);
  }

  self.FieldOutbox = {open, uuid};
})();
