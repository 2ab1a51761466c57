/* The focus segments on the road network: numbered, thick, in the order of the table. */
(function () {
  "use strict";
  const el = document.getElementById("focus-map");
  if (!el || !window.L) return;
  const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const data = JSON.parse(document.getElementById("focus-features").textContent);
  const map = L.map(el);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("路网 © OpenStreetMap 贡献者");
  if (window.PatrolMaps) PatrolMaps.roadLayer(map, {tileUrl: el.dataset.roadTiles});
  const layer = L.geoJSON(data, {
    style: () => ({color: "#b00020", weight: 8, opacity: 0.85}),
    onEachFeature: (f, l) => l.bindTooltip(`${f.properties.rank}. ${esc(f.properties.road)}`, {permanent: true, direction: "center", className: "focus-label"})
      .bindPopup(`<strong>${f.properties.rank}. ${esc(f.properties.road)}</strong><br>${esc(f.properties.reasons)}`),
  }).addTo(map);
  if (data.features.length) {
    map.fitBounds(layer.getBounds().pad(0.2));
  } else if (el.dataset.extent) {
    const [w, s, e, n] = JSON.parse(el.dataset.extent);
    map.fitBounds([[s, w], [n, e]]);
  }
  window.focusMap = map;
})();
