/* The dashboard's map: the element #map carries what it shows in data attributes
 * (data-problem-tiles, data-query: the page's filter; data-road-tiles; data-extent as
 * [west, south, east, north] or data-center "lat,lon" with data-zoom). Drawn with the
 * project's own vector tiles (maps/problem-tiles.js); a click on a problem opens its popup. */
(function () {
  "use strict";
  const el = document.getElementById("map");
  if (!el || !window.L || !window.PatrolMaps) return;
  const map = L.map(el, {attributionControl: true});
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("路网 © OpenStreetMap 贡献者");
  if (el.dataset.center) {
    const [lat, lon] = el.dataset.center.split(",").map(Number);
    map.setView([lat, lon], Number(el.dataset.zoom || 17));
    L.circleMarker([lat, lon], {radius: 14, color: "#111", weight: 3, fill: false}).addTo(map);
  } else if (el.dataset.extent) {
    const [w, s, e, n] = JSON.parse(el.dataset.extent);
    map.fitBounds([[s, w], [n, e]]);
  } else {
    map.setView([39.999, 116.346], 14);
  }
  PatrolMaps.roadLayer(map, {tileUrl: el.dataset.roadTiles});
  // A click on a problem opens a popup with its location text, status, deadline and photos.
  PatrolMaps.problemLayer(map, {
    tileUrl: el.dataset.problemTiles, query: el.dataset.query || "",
    detailUrl: el.dataset.problemUrl.replace("/0/", "/{id}/"),
  });
  PatrolMaps.legend(map, {title: "问题状态"});
  window.dashboardMap = map;
})();
