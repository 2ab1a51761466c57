/* The field app: report a problem where you stand, record what was done, see what is open
 * nearby, start and end the shift and send its GPS fixes. Everything goes through the outbox
 * (outbox.js), so it works the same with or without a network.
 *
 * The track is recorded in stretches: the first fix of each says `starts_piece`, so that the
 * server does not join it to the fix before (a pause is not walked). A stretch begins when the
 * app opens, when the officer taps 继续记录轨迹 after 暂停记录轨迹 (in a car, at a meal), and when
 * the page comes back after being hidden with no fix recorded meanwhile (the browser stops the
 * GPS of a hidden page). Being offline is no pause: fixes are recorded and kept to send.
 *
 * Hooks for tests and for the curious: window.fieldApp.ready (a Promise), .outbox, .state.
 */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("field-config").textContent);
  if (window.PatrolMaps) window.PatrolMaps.timeZone = config.time_zone;  // popups too, in the platform's zone
  const $ = (id) => document.getElementById(id);
  const OPEN_STATES = ["reported", "dispatched", "in_progress", "reopened"];
  const STATUS_LABELS = {reported: "已上报", dispatched: "已派遣", in_progress: "处置中", rectified: "已整改",
                         verified: "已核查", closed: "已办结", rejected: "不予立案", duplicate: "重复上报",
                         reopened: "已重启"};
  // What an officer or team lead may do in the field, by status (patrol/domain/workflow.py, FIELD roles);
  // an officer only on a problem their own team holds (the layer's `team`), as the server checks.
  const FIELD_STEPS = {reported: ["in_progress", "现场处置"], dispatched: ["in_progress", "开始处置"],
                       in_progress: ["rectified", "整改完毕"]};
  const FIELD_ROLES = ["officer", "team_lead"];
  const FIX_BATCH_MS = 30000;
  const state = {position: null, pin: null, pinMoved: false, category: null, photos: [], nearby: [], shifts: [],
                 onDutyShift: null, fixes: [], batching: false, wakeLock: null, outcomeFor: null, outcomeEdit: null,
                 outcomeKinds: new Set(), newPiece: true, hidden: false, fixWhileHidden: false, lastFixAt: 0,
                 recorded: 0, locationError: null};  // recorded: fixes taken since the page opened (the queue empties as batches go)
  let outbox = null;
  let reportMap = null, reportPin = null, nearbyMap = null, nearbyLayer = null;

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                                            '"': "&quot;", "'": "&#39;"}[c]));
  }

  function online() { return navigator.onLine; }

  function deviceId() {
    let id = localStorage.getItem("patrol-device-id");
    if (!id) { id = "tablet-" + FieldOutbox.uuid(); localStorage.setItem("patrol-device-id", id); }
    return id;
  }

  // -- tabs -----------------------------------------------------------------------------------
  function showTab(name) {
    document.querySelectorAll(".tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === name)));
    document.querySelectorAll(".tab").forEach((s) => { s.hidden = s.id !== `tab-${name}`; });
    if (name === "report" && reportMap) setTimeout(() => reportMap.invalidateSize(), 0);
    if (name === "nearby") loadNearby();
    if (name === "shift") loadShifts();
    if (name === "outbox") renderOutbox();
  }

  // -- network and outbox status ----------------------------------------------------------------
  function showNet() {
    const net = $("net");
    net.textContent = online() ? "在线" : "离线";
    net.classList.toggle("offline", !online());
  }

  async function showCount() {
    const n = await outbox.count();
    $("pending-count").textContent = String(n.pending + n.conflict);
    $("pending").classList.toggle("has", n.pending + n.conflict > 0);
    $("pending").title = `待发送 ${n.pending} 条，冲突 ${n.conflict} 条`;
  }

  const KIND_LABELS = {report: "上报问题", outcome: "处置结果", transition: "状态变更", shift_start: "开始班次",
                       shift_end: "结束班次", fixes: "定位点"};

  function describeItem(item) {
    const p = item.payload;
    switch (item.kind) {
      case "report": return `${p.category_name || p.category}${p.description ? "：" + p.description : ""}` +
        (item.photos.length ? `（照片 ${item.photos.length} 张）` : "");
      case "outcome": return `问题 #${p.problem}：${p.body.kinds.join("、")} ${p.body.target_kind} ${p.body.count}`;
      case "transition": return `问题 #${p.problem} → ${STATUS_LABELS[p.body.to] || p.body.to}`;
      case "fixes": return `班次 #${p.shift}：${p.fixes.length} 个定位点`;
      default: return `班次 #${p.shift}`;
    }
  }

  async function renderOutbox() {
    if (!outbox) return;
    const items = (await outbox.list()).sort((a, b) => a.id - b.id);
    const list = $("outbox-list");
    if (!items.length) { list.innerHTML = '<li class="muted">没有待发送的记录</li>'; return; }
    list.innerHTML = items.map((item) => `
      <li class="${item.state}" data-item="${item.id}" data-kind="${item.kind}">
        <div class="title">${esc(KIND_LABELS[item.kind] || item.kind)} · ${esc(describeItem(item))}</div>
        <div><span class="state ${item.state}">${item.state === "conflict" ? "未被接受" : "待发送"}</span>
          <span class="muted">${esc(new Date(item.created).toLocaleString("zh-CN", {timeZone: config.time_zone}))}</span></div>
        ${item.officer !== config.officer.id ? '<div class="muted">由其他账号记录：该账号在本机登录后发送</div>' : ""}
        ${item.message ? `<div class="${item.state === "conflict" ? "error" : "muted"}">${esc(item.message)}</div>` : ""}
        ${item.state === "conflict" ? `<div class="actions">${item.kind === "outcome"
          ? `<button type="button" data-edit="${item.id}">修改后重发</button>` : ""}<button type="button" data-retry="${item.id}">重试</button>
          <button type="button" data-discard="${item.id}">放弃这条记录</button></div>` : ""}
      </li>`).join("");
  }

  async function flush() {
    if (!online()) return;
    await outbox.flush();
  }

  /** What to tell the officer when the outbox could not keep a record (the device is full). */
  function notSaved(err) {
    return err && err.name === "QuotaExceededError"
      ? "本机存储已满，记录未能保存：请联网发送待发送的记录，或清理本机空间后再试"
      : `记录未能保存在本机（${err && err.message ? err.message : err}）：请重试`;
  }

  // -- position, the report map and the location text ------------------------------------------
  function setPin(lat, lon, moved) {
    state.pin = {lat, lon};
    state.pinMoved = moved;
    if (reportMap) {
      if (!reportPin) {
        reportPin = L.marker([lat, lon], {draggable: true, title: "问题位置（可拖动）"}).addTo(reportMap);
        reportPin.on("dragend", () => {
          const ll = reportPin.getLatLng();
          setPin(ll.lat, ll.lng, true);
        });
        reportMap.setView([lat, lon], 17);
      } else {
        reportPin.setLatLng([lat, lon]);
        if (!moved) reportMap.panTo([lat, lon]);
      }
    }
    updateSubmit();
    describeSoon();
  }

  let describeTimer = null, describeSeq = 0;
  function describeSoon() {
    clearTimeout(describeTimer);
    describeTimer = setTimeout(describe, 400);
  }

  async function describe() {
    if (!state.pin) return;
    const out = $("location-text");
    if (!online()) { out.textContent = "（离线）位置描述将在发送后由服务器生成"; return; }
    const seq = ++describeSeq;
    try {
      const url = `${config.urls.describe}?lat=${state.pin.lat.toFixed(6)}&lon=${state.pin.lon.toFixed(6)}`;
      const r = await fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"});
      if (seq !== describeSeq) return;
      if (r.ok) {
        out.textContent = (await r.json()).properties.text;
      } else {
        out.textContent = r.status === 422 ? "附近没有已载入的道路：请把图钉拖到道路旁" : "暂时无法生成位置描述";
      }
    } catch (e) {
      if (seq === describeSeq) out.textContent = "（离线）位置描述将在发送后由服务器生成";
    }
  }

  function onPosition(pos) {
    const c = pos.coords;
    state.position = {lat: c.latitude, lon: c.longitude, accuracy: c.accuracy, speed: c.speed, heading: c.heading,
                      t: new Date(pos.timestamp || Date.now()).toISOString()};
    $("position-status").textContent = `定位精度约 ${Math.round(c.accuracy)} 米` + (state.pinMoved ? "（已手动修正图钉）" : "");
    if (!state.pinMoved) setPin(c.latitude, c.longitude, false);
    if (state.onDutyShift && !trackPaused()) {
      const fix = {t: state.position.t, lat: c.latitude, lon: c.longitude, accuracy_m: c.accuracy,
                   speed_mps: c.speed == null || isNaN(c.speed) ? null : c.speed,
                   heading_deg: c.heading == null || isNaN(c.heading) ? null : c.heading};
      if (state.newPiece) { fix.starts_piece = true; state.newPiece = false; }
      if (document.visibilityState === "hidden") state.fixWhileHidden = true;
      state.lastFixAt = Date.now();
      state.recorded += 1;
      state.fixes.push({shift: state.onDutyShift.id, fix});  // sent under the shift it was recorded in
    }
  }

  function watchPosition() {
    if (!navigator.geolocation) {
      state.locationError = "本设备不支持定位";
      $("position-status").textContent = "本设备不支持定位，请在地图上点选位置";
      return;
    }
    navigator.geolocation.watchPosition(onPosition, (err) => {
      state.locationError = err.code === 1 ? "未允许定位" : "暂时无法定位";
      $("position-status").textContent = err.code === 1 ? "未允许定位：请在地图上点选位置" : "暂时无法定位，请在地图上点选位置";
      if (!state.position && !state.pin) $("nearby-status").textContent = nearbyWaiting();
    }, {enableHighAccuracy: true, maximumAge: 5000, timeout: 20000});
  }

  function baseLayers(map) {
    if (window.PatrolMaps && PatrolMaps.roadLayer) PatrolMaps.roadLayer(map, {tileUrl: config.urls.road_tiles});
  }

  function makeReportMap() {
    reportMap = L.map("report-map", {zoomControl: true, attributionControl: false}).setView([39.999, 116.346], 15);
    baseLayers(reportMap);
    reportMap.on("click", (e) => setPin(e.latlng.lat, e.latlng.lng, true));
  }

  // -- the report form --------------------------------------------------------------------------
  function categoryButtons() {
    const make = (c) => `<button type="button" data-category="${esc(c.code)}" aria-pressed="false">${esc(c.name)}</button>`;
    $("common-categories").innerHTML = config.categories.filter((c) => c.common).map(make).join("");
    $("more-categories").innerHTML = config.categories.filter((c) => !c.common).map(make).join("");
  }

  function chooseCategory(code) {
    state.category = code;
    document.querySelectorAll("[data-category]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.category === code)));
    updateSubmit();
  }

  function updateSubmit() {
    $("report-submit").disabled = !(state.category && state.pin && config.may.create_problem);
  }

  async function shrink(file) {
    // Photos from a tablet camera are 3–12 MB; 1600 px on the long side is plenty for evidence
    // and keeps the outbox small. Anything that cannot be decoded is kept as it is.
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 1500000) return file;
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return await new Promise((resolve) => canvas.toBlob((b) => resolve(b || file), "image/jpeg", 0.85));
    } catch (e) {
      return file;
    }
  }

  async function addPhotos(files) {
    for (const file of files) state.photos.push(await shrink(file));
    $("photo-previews").innerHTML = state.photos.map((b, i) =>
      `<img src="${URL.createObjectURL(b)}" alt="照片 ${i + 1}">`).join("");
  }

  async function submitReport() {
    $("report-error").textContent = "";
    if (!state.category) { $("report-error").textContent = "请选择问题类别"; return; }
    if (!state.pin) { $("report-error").textContent = "还没有位置：请等待定位或在地图上点选"; return; }
    const cat = config.categories.find((c) => c.code === state.category);
    const payload = {category: state.category, category_name: cat ? cat.name : state.category,
                     lat: Number(state.pin.lat.toFixed(7)), lon: Number(state.pin.lon.toFixed(7)),
                     description: $("note").value.trim(), source: "patrol"};
    try {
      await outbox.add("report", payload, state.photos);
    } catch (err) {
      $("report-error").textContent = notSaved(err);  // the form is kept as it is
      return;
    }
    state.photos = [];
    $("photo-previews").innerHTML = "";
    $("photo-input").value = "";
    $("note").value = "";
    chooseCategory(null);
    state.pinMoved = false;
    if (state.position) setPin(state.position.lat, state.position.lon, false);
    $("report-error").textContent = "";
    $("position-status").textContent = online() ? "已保存，正在发送…" : "已保存在本机，联网后自动发送";
    flush();
  }

  // -- problems nearby --------------------------------------------------------------------------
  function distanceM(a, b) {
    const r = 6371000, rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad, dLon = (b.lon - a.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * r * Math.asin(Math.sqrt(h));
  }

  // What the nearby tab says with no place to look around: waiting for the first fix, or, when
  // the device will not locate, that a place picked on the report map will do.
  function nearbyWaiting() {
    if (!state.locationError) return "等待定位…";
    return `${state.locationError}：请在「上报问题」的地图上点选位置，这里将显示其附近的问题`;
  }

  async function loadNearby() {
    const here = state.position || state.pin;
    const status = $("nearby-status");
    if (!here) { status.textContent = nearbyWaiting(); return; }
    if (!nearbyMap) {
      nearbyMap = L.map("nearby-map", {attributionControl: false}).setView([here.lat, here.lon], 16);
      baseLayers(nearbyMap);
      nearbyLayer = L.layerGroup().addTo(nearbyMap);
      drawFocus(nearbyMap);
    } else {
      setTimeout(() => nearbyMap.invalidateSize(), 0);
    }
    const d = 0.006;  // about 600 m north–south, 500 m east–west at Beijing's latitude
    const bbox = [here.lon - d, here.lat - d, here.lon + d, here.lat + d].map((v) => v.toFixed(6)).join(",");
    let features = null;
    if (online()) {
      try {
        const q = new URLSearchParams({bbox, limit: "200"});
        OPEN_STATES.forEach((s) => q.append("status", s));
        const r = await fetch(`${config.urls.layer}?${q}`, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        if (r.ok) {
          features = (await r.json()).features;
          await outbox.remember("nearby", {at: new Date().toISOString(), features});
          status.textContent = `附近未办结问题 ${features.length} 个`;
        }
      } catch (e) { features = null; }
    }
    if (!features) {
      const kept = await outbox.recall("nearby");
      features = kept ? kept.features : [];
      status.textContent = kept ? `离线：显示 ${new Date(kept.at).toLocaleString("zh-CN", {timeZone: config.time_zone})} 时的附近问题` : "离线：暂无附近问题的记录";
    }
    state.nearby = features.map((f) => ({...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1]}))
      .map((p) => ({...p, distance: distanceM(here, p)})).sort((a, b) => a.distance - b.distance);
    renderNearby();
  }

  function fieldStep(p) {
    const step = FIELD_STEPS[p.status];
    if (!step || !FIELD_ROLES.includes(config.officer.role)) return null;
    if (config.officer.role === "officer" && p.team !== config.officer.team) return null;
    return step;
  }

  function renderNearby() {
    nearbyLayer.clearLayers();
    state.nearby.forEach((p) => {
      L.circleMarker([p.lat, p.lon], {radius: 9, color: "#111", weight: 2, fillColor: p.overdue ? "#b00020" : "#e07b00",
                                       fillOpacity: 0.9}).bindTooltip(`#${p.id} ${esc(p.category_name)}`).addTo(nearbyLayer);
    });
    $("nearby-list").innerHTML = state.nearby.map((p) => {
      const step = fieldStep(p);
      return `<li data-problem="${p.id}">
        <div class="title">#${p.id} ${esc(p.category_name)} <span class="badge">${esc(p.status_label || STATUS_LABELS[p.status])}</span>
          ${p.overdue ? '<span class="badge overdue">超期</span>' : ""}</div>
        <div>${esc(p.location_text)}</div><div class="muted">约 ${Math.round(p.distance)} 米</div>
        <div class="actions">
          ${config.may.record_outcome ? `<button type="button" data-outcome="${p.id}">记录处置结果</button>` : ""}
          ${step ? `<button type="button" data-step="${p.id}" data-to="${step[0]}" data-from="${p.status}">${step[1]}</button>` : ""}
        </div></li>`;
    }).join("") || '<li class="muted">附近没有未办结的问题</li>';
  }

  // -- outcomes and steps -----------------------------------------------------------------------
  function openOutcome(problemId, editing) {
    state.outcomeFor = problemId;
    state.outcomeEdit = editing ? editing.id : null;  // an outbox item refused by the server, being fixed
    state.outcomeKinds = new Set();
    $("outcome-problem").textContent = `#${problemId}`;
    $("outcome-kinds").innerHTML = config.outcome_kinds.map((k) =>
      `<button type="button" data-kind="${esc(k.label)}" class="${k.penalty ? "penalty" : ""}" aria-pressed="false">${esc(k.label)}</button>`).join("");
    $("outcome-target").innerHTML = config.target_kinds.map((t) =>
      `<option value="${esc(t.label)}">${esc(t.label)}（${esc(t.measure)}）</option>`).join("");
    $("outcome-count").value = "1";
    $("outcome-particulars").innerHTML = "";
    $("outcome-error").textContent = "";
    if (editing) {
      const body = editing.payload.body;
      body.kinds.forEach(toggleKind);
      $("outcome-target").value = body.target_kind;
      $("outcome-count").value = String(body.count);
      $("outcome-particulars").querySelectorAll("input").forEach((input) => {
        if (body[input.name] != null) input.value = body[input.name];
      });
      $("outcome-error").textContent = editing.message || "";
    }
    $("outcome-dialog").showModal();
  }

  async function editItem(id) {
    const item = (await outbox.list()).find((i) => i.id === id);
    if (item && item.kind === "outcome") openOutcome(item.payload.problem, item);
  }

  const PARTICULARS = {fine_amount: ["罚款金额（元）", "number"], points: ["扣分", "number"],
                       seized_items: ["暂扣物品", "text"], case_number: ["案件编号", "text"]};

  function toggleKind(label) {
    if (state.outcomeKinds.has(label)) state.outcomeKinds.delete(label); else state.outcomeKinds.add(label);
    document.querySelectorAll("[data-kind]").forEach((b) => b.setAttribute("aria-pressed", String(state.outcomeKinds.has(b.dataset.kind))));
    const needed = config.outcome_kinds.filter((k) => state.outcomeKinds.has(k.label)).flatMap((k) => k.requires);
    const limits = (name) => Object.entries((config.particulars || {})[name] || {})
      .map(([attr, value]) => ` ${attr}="${esc(value)}"`).join("");
    $("outcome-particulars").innerHTML = needed.map((name) =>
      `<label>${PARTICULARS[name][0]} <input name="${name}" type="${PARTICULARS[name][1]}"${limits(name)} required></label>`).join("");
  }

  async function saveOutcome(event) {
    event.preventDefault();
    const count = parseInt($("outcome-count").value, 10);
    if (!state.outcomeKinds.size) { $("outcome-error").textContent = "请至少选择一种处置方式"; return; }
    if (!(count >= 1)) { $("outcome-error").textContent = "数量须为正整数"; return; }
    const body = {problem: state.outcomeFor, kinds: config.outcome_kinds.map((k) => k.label).filter((l) => state.outcomeKinds.has(l)),
                  target_kind: $("outcome-target").value, count};
    for (const input of $("outcome-particulars").querySelectorAll("input")) {
      const label = input.parentElement.firstChild.textContent.trim();
      if (!input.value.trim()) { $("outcome-error").textContent = `请填写${label}`; return; }
      if (!input.checkValidity()) { $("outcome-error").textContent = `${label}：${input.validationMessage}`; return; }
      body[input.name] = input.type === "number" ? Number(input.value) : input.value.trim();
    }
    try {
      if (state.outcomeEdit) await outbox.amend(state.outcomeEdit, {problem: state.outcomeFor, body});
      else await outbox.add("outcome", {problem: state.outcomeFor, body});
    } catch (err) {
      $("outcome-error").textContent = notSaved(err);
      return;
    }
    state.outcomeEdit = null;
    $("outcome-dialog").close();
    flush();
  }

  async function step(problemId, to, from) {
    try {
      await outbox.add("transition", {problem: problemId, body: {to, expected_status: from}});
    } catch (err) {
      $("nearby-status").textContent = notSaved(err);
      return;
    }
    const p = state.nearby.find((x) => x.id === problemId);
    if (p) { p.status = to; p.status_label = STATUS_LABELS[to]; renderNearby(); }
    flush();
  }

  // -- the shift ----------------------------------------------------------------------------------
  // The platform's day (TIME_ZONE), not the tablet's: a tablet on UTC is on yesterday until 08:00.
  function today() {
    const parts = new Intl.DateTimeFormat("en-US", {timeZone: config.time_zone, year: "numeric", month: "2-digit",
                                                      day: "2-digit"}).formatToParts(new Date());
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part("year")}-${part("month")}-${part("day")}`;
  }

  async function loadShifts() {
    let shifts = null;
    if (online()) {
      try {
        // today's shifts, and those still on duty from an earlier day (an evening shift run past
        // midnight, a night shift): without them the track stopped at midnight
        const get = (query) => fetch(`${config.urls.shifts}?${query}`, {headers: {Accept: "application/json"}, credentials: "same-origin"});
        const [r, onDuty] = await Promise.all([get(`date=${today()}`), get("status=on_duty")]);
        if (r.ok && onDuty.ok) {
          const todays = await r.json();
          const earlier = (await onDuty.json()).filter((s) => !todays.some((t) => t.id === s.id));
          shifts = [...earlier, ...todays];
          await outbox.remember("shifts", shifts);
        }
      } catch (e) { shifts = null; }
    }
    if (!shifts) shifts = (await outbox.recall("shifts")) || [];
    state.shifts = shifts;
    const mine = shifts.find((s) => s.status === "on_duty" && s.members.some((m) => m.id === config.officer.id));
    setOnDuty(mine || null);
    $("shift-status").textContent = shifts.length ? `今日班次 ${shifts.length} 个` : "今日没有安排班次";
    $("shift-list").innerHTML = shifts.map((s) => `
      <li data-shift="${s.id}"><div class="title">${esc(s.team_name)} · ${esc(s.period_label)} <span class="badge">${esc(s.status_label)}</span></div>
        <div class="muted">${esc(new Date(s.starts_at).toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit", timeZone: config.time_zone}))}–${esc(new Date(s.ends_at).toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit", timeZone: config.time_zone}))}
          · 成员 ${s.members.map((m) => esc(m.name)).join("、")}</div>
        <div class="actions">
          ${config.may.manage_shift && s.status === "planned" ? `<button type="button" class="primary" data-shift-start="${s.id}">开始班次</button>` : ""}
          ${config.may.manage_shift && s.status === "on_duty" ? `<button type="button" data-shift-end="${s.id}">结束班次</button>` : ""}
        </div></li>`).join("");
  }

  function renderFocus() {
    $("focus-list").innerHTML = config.focus.map((f, i) =>
      `<li><div class="title">${i + 1}. ${esc(f.road)}</div>${f.place ? `<div class="place">${esc(f.place)}</div>` : ""}<div class="muted">${esc(f.reasons)}</div></li>`).join("")
      || '<li class="muted">暂无：辖区内还没有已定位到路段的诉求或问题</li>';
  }

  function drawFocus(map) {
    config.focus.forEach((f, i) => L.polyline(f.line.map(([lon, lat]) => [lat, lon]), {color: "#b00020", weight: 7, opacity: 0.8})
      .bindTooltip(`重点 ${i + 1}：${esc(f.road)}`).addTo(map));
  }

  // -- the track: paused by the officer (kept across a reload, per officer and shift) -----------------
  // Per officer too: on a shared tablet the next member signed in records their own track.
  function pauseKey() {
    return `patrol-track-paused-${config.officer.id}-${state.onDutyShift ? state.onDutyShift.id : ""}`;
  }

  function trackPaused() { return !!state.onDutyShift && localStorage.getItem(pauseKey()) === "1"; }

  // Before the pause was per officer, the app kept it per shift (patrol-track-paused-<shift>).
  // The officer signed in when the upgraded app first opens takes such a pause over, so an
  // upgrade in the middle of a pause (a ride in a car) does not start recording again; it is
  // then removed, so another member signing in on this tablet records as before.
  function adoptPauseKeptPerShift() {
    if (!state.onDutyShift) return;
    const old = `patrol-track-paused-${state.onDutyShift.id}`;
    if (localStorage.getItem(old) === "1") localStorage.setItem(pauseKey(), "1");
    localStorage.removeItem(old);
  }

  function renderTrack() {
    $("track").hidden = !state.onDutyShift;
    if (!state.onDutyShift) return;
    const paused = trackPaused();
    $("track-status").textContent = paused ? "轨迹已暂停：暂停期间不记录定位点，不计入巡查里程和覆盖"
      : "正在记录轨迹（班次定位点）";
    $("track-toggle").textContent = paused ? "继续记录轨迹" : "暂停记录轨迹";
    $("track-toggle").setAttribute("aria-pressed", String(paused));
    $("track-toggle").classList.toggle("primary", paused);
  }

  function toggleTrack() {
    if (!state.onDutyShift) return;
    if (trackPaused()) localStorage.removeItem(pauseKey());
    else localStorage.setItem(pauseKey(), "1");
    state.newPiece = true;  // the first fix after it starts a new stretch
    renderTrack();
    setOnDuty(state.onDutyShift);
    batchFixes();  // what was recorded before the pause goes now
  }

  // Paused or resumed in another window of this browser (split screen): this one follows, and
  // its next fix starts a stretch as that window's does.
  function onStorage(e) {
    if (!state.onDutyShift || e.key !== pauseKey()) return;
    state.newPiece = true;
    renderTrack();
    setOnDuty(state.onDutyShift);
    batchFixes();
  }

  // Back from hidden: the GPS may have stopped (a fix or two as the page hid, then nothing).
  const RESUME_GAP_MS = 15000;

  function onVisibility() {
    if (document.visibilityState === "hidden") {
      state.hidden = true;
      state.fixWhileHidden = false;
      return;
    }
    // No fix while hidden, or none lately: the browser stopped the GPS, and the walk since is unknown.
    if (state.hidden && (!state.fixWhileHidden || Date.now() - state.lastFixAt > RESUME_GAP_MS)) state.newPiece = true;
    state.hidden = false;
    setOnDuty(state.onDutyShift);
    flush();
  }

  async function setOnDuty(shift) {
    const before = state.onDutyShift;
    state.onDutyShift = shift && config.may.send_fixes ? shift : null;
    // the shift ended (or another began): what was recorded during it goes now, under it
    if (before && (!state.onDutyShift || state.onDutyShift.id !== before.id)) batchFixes();
    adoptPauseKeptPerShift();
    renderTrack();
    if (state.onDutyShift && trackPaused() && state.wakeLock) { state.wakeLock.release(); state.wakeLock = null; }
    if (state.onDutyShift && !trackPaused() && !state.wakeLock && "wakeLock" in navigator) {
      try {
        state.wakeLock = await navigator.wakeLock.request("screen");
        state.wakeLock.addEventListener("release", () => { state.wakeLock = null; });
      } catch (e) { state.wakeLock = null; /* the browser may refuse (battery saver); fixes still go */ }
    }
    if (!state.onDutyShift && state.wakeLock) { state.wakeLock.release(); state.wakeLock = null; }
  }

  // Each fix goes under the shift it was recorded in, whether that shift is still on duty or not
  // (ended meanwhile: its last fixes are still taken); a batch holds one shift's fixes.
  async function batchFixes() {
    if (!state.fixes.length || state.batching) return;
    state.batching = true;
    const shift = state.fixes[0].shift;
    let n = 0;
    while (n < state.fixes.length && n < 2000 && state.fixes[n].shift === shift) n += 1;
    // Saved first, then taken out of memory: a full device keeps them here for the next batch.
    const fixes = state.fixes.slice(0, n).map((e) => e.fix);
    try {
      await outbox.add("fixes", {shift, device_id: deviceId(), fixes});
      state.fixes.splice(0, n);
    } catch (err) {
      $("position-status").textContent = `定位点暂未保存（${state.fixes.length} 个）：${notSaved(err)}`;
      return;
    } finally {
      state.batching = false;
    }
    // fixes of a shift no longer on duty (it ended while this batch was saved) go at once; the
    // shift on duty's wait for the next round
    const onDuty = state.onDutyShift ? state.onDutyShift.id : null;
    if (state.fixes.length && state.fixes[0].shift !== onDuty) { batchFixes(); return; }
    flush();
  }

  async function shiftAction(kind, id) {
    try {
      await outbox.add(kind, {shift: id});
    } catch (err) {
      $("shift-status").textContent = notSaved(err);
      return;
    }
    await flush();
    loadShifts();
  }

  // -- wiring ---------------------------------------------------------------------------------------
  function wire() {
    document.querySelectorAll("[data-tab]").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
    document.addEventListener("click", (e) => {
      const t = e.target.closest("button");
      if (!t) return;
      if (t.dataset.category) chooseCategory(t.dataset.category);
      else if (t.dataset.outcome) openOutcome(Number(t.dataset.outcome));
      else if (t.dataset.step) step(Number(t.dataset.step), t.dataset.to, t.dataset.from);
      else if (t.dataset.kind && t.closest("#outcome-kinds")) toggleKind(t.dataset.kind);
      else if (t.dataset.retry) outbox.retry(Number(t.dataset.retry));
      else if (t.dataset.edit) editItem(Number(t.dataset.edit));
      else if (t.dataset.discard && confirm("放弃后这条记录将从本机删除，且不会发送。确定放弃？")) outbox.discard(Number(t.dataset.discard));
      else if (t.dataset.shiftStart) shiftAction("shift_start", Number(t.dataset.shiftStart));
      else if (t.dataset.shiftEnd) shiftAction("shift_end", Number(t.dataset.shiftEnd));
    });
    $("photo-input").addEventListener("change", (e) => addPhotos(Array.from(e.target.files)));
    $("report-submit").addEventListener("click", submitReport);
    $("outcome-form").addEventListener("submit", saveOutcome);
    $("outcome-cancel").addEventListener("click", () => { state.outcomeEdit = null; $("outcome-dialog").close(); });
    $("count-minus").addEventListener("click", () => { $("outcome-count").value = Math.max(1, (parseInt($("outcome-count").value, 10) || 1) - 1); });
    $("count-plus").addEventListener("click", () => { $("outcome-count").value = (parseInt($("outcome-count").value, 10) || 0) + 1; });
    window.addEventListener("online", () => { showNet(); flush(); describeSoon(); });
    window.addEventListener("offline", showNet);
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("storage", onStorage);
    $("track-toggle").addEventListener("click", toggleTrack);
  }

  async function start() {
    outbox = await FieldOutbox.open({
      csrf: config.csrf, urls: config.urls, officer: config.officer.id,
      onChange: () => { showCount(); renderOutbox(); },
      onSignedOut: () => { $("position-status").textContent = "登录已过期：请重新登录后发送待发送的记录"; },
      onOtherOfficer: () => {
        $("position-status").textContent = `本浏览器已由另一账号登录：${config.officer.name}的记录暂不发送，请以${config.officer.name}的账号重新登录`;
      },
    });
    categoryButtons();
    renderFocus();
    wire();
    showNet();
    makeReportMap();
    watchPosition();
    await showCount();
    renderOutbox();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(new URL("sw.js", location.href).pathname, {scope: new URL(".", location.href).pathname})
        .catch(() => { /* no worker (private window): the app still works while the page is open */ });
    }
    setInterval(() => batchFixes(), FIX_BATCH_MS);
    setInterval(flush, 15000);
    if (online()) { loadShifts(); flush(); }
    else loadShifts();
  }

  window.fieldApp = {state, get outbox() { return outbox; }, batchFixes, flush, ready: start()};
})();
