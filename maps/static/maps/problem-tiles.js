/*
 * PatrolMaps — the project's map layers over its own vector tile endpoints, for Leaflet 1.9 pages
 * (the folium maps of maps/ use it too). No network access beyond the page's own origin.
 *
 * Load after maps/vendor/leaflet/leaflet.js and maps/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js.
 *
 * API
 *   PatrolMaps.roadLayer(map, options) -> L.Layer, added to map
 *       The road network from the tiles at options.tileUrl (default "/tiles/roads/{z}/{x}/{y}.pbf"):
 *       layer "roads" (segments, styled by OSM class), "areas" (outlines), "intersections" (dots, zoom ≥ 14).
 *       options.svg: true draws SVG paths with CSS classes "road road-<class>" and "area area-<kind>"
 *                    (default false: canvas, faster on large networks);
 *                    intersections get the class "intersection";
 *       options.areas: false leaves out the area outlines;
 *       options.pane, options.minZoom, options.maxZoom: as for any Leaflet layer.
 *   PatrolMaps.problemLayer(map, options) -> L.Layer, added to map
 *       The problems the signed-in user may see, from options.tileUrl (default
 *       "/tiles/problems/{z}/{x}/{y}.pbf") with options.query appended: a query string of the
 *       filters category, status, area, since, until, overdue (the names of /api/v1/problems/layer).
 *       Below zoom 15 (and on very dense tiles) the server sends clusters: a circle with the count,
 *       red when some are overdue, orange when some are open, grey otherwise; a click zooms in.
 *       Above, one marker per problem: colour = status, the first character of the category name,
 *       a dark ring when overdue. A click calls options.onClick(properties, latlng, marker); without
 *       onClick a popup loads options.detailUrl (default "/api/v1/problems/{id}/", JSON, session
 *       cookie) and shows the location text, category, status, deadline and photo thumbnails.
 *       layer.setQuery(query) reloads with other filters.
 *   PatrolMaps.legend(map, options) -> L.Control, added to map: the Chinese legend (statuses,
 *       overdue, clusters). options.position (default "bottomright"), options.title.
 *   PatrolMaps.timeZone: the zone popups show times in (default "Asia/Shanghai", the platform's; a page may set it).
 *   PatrolMaps.STATUS: {code: {label, color}};  PatrolMaps.ROAD_STYLES: {class: {color, weight}}.
 *   PatrolMaps.stats: {roadTiles, problemTiles, clusters, problems, firstDrawMs} — counters of what was
 *       drawn (firstDrawMs: performance.now() when the first cluster or problem was drawn).
 *   document fires "patrolmaps:drawn" (CustomEvent, detail {clusters, problems}) after each problem tile.
 *
 * Example
 *   var map = L.map("map").setView([40.0, 116.35], 14);
 *   PatrolMaps.roadLayer(map, {});
 *   PatrolMaps.problemLayer(map, {query: "status=reported&overdue=1"});
 *   PatrolMaps.legend(map, {});
 */
(function (window, L) {
  "use strict";
  if (!L || !L.VectorGrid) {
    throw new Error("PatrolMaps needs Leaflet and Leaflet.VectorGrid loaded first");
  }
  // Leaflet 1.8 removed L.DomEvent.fakeStop, which VectorGrid 1.3's canvas tiles call on a click.
  if (!L.DomEvent.fakeStop) {
    L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  }

  var STATUS = {
    reported: {label: "已上报", color: "#d62728"},
    dispatched: {label: "已派遣", color: "#ff7f0e"},
    in_progress: {label: "处置中", color: "#bcbd22"},
    rectified: {label: "已整改", color: "#1f77b4"},
    verified: {label: "已核查", color: "#17becf"},
    closed: {label: "已办结", color: "#2ca02c"},
    rejected: {label: "不予立案", color: "#7f7f7f"},
    duplicate: {label: "重复上报", color: "#9e9e9e"},
    reopened: {label: "已重启", color: "#8c1d18"}
  };

  // The same classes and colours as maps/builders.py ROAD_STYLES.
  var ROAD_STYLES = {
    motorway: {color: "#c0392b", weight: 6}, trunk: {color: "#d35400", weight: 5.5},
    primary: {color: "#e67e22", weight: 5}, secondary: {color: "#d4ac0d", weight: 4},
    tertiary: {color: "#7d9b3a", weight: 3.5}, residential: {color: "#5d7fa3", weight: 2.5},
    unclassified: {color: "#5d7fa3", weight: 2.5}, living_street: {color: "#5d7fa3", weight: 2},
    service: {color: "#8e8e8e", weight: 2}, pedestrian: {color: "#a569bd", weight: 2},
    footway: {color: "#a0a0a0", weight: 1.5}, cycleway: {color: "#3498db", weight: 1.5},
    path: {color: "#a0a0a0", weight: 1.5}, steps: {color: "#a0a0a0", weight: 1.5},
    other: {color: "#8e8e8e", weight: 2}
  };
  var AREA_STYLES = {
    district: {color: "#6c3483", weight: 3}, subdistrict: {color: "#8e44ad", weight: 2.5, dashArray: "10 4"},
    community: {color: "#2471a3", weight: 1.5, dashArray: "6 4"}, grid: {color: "#7f8c8d", weight: 1, dashArray: "2 4"}
  };

  var stats = {roadTiles: 0, problemTiles: 0, clusters: 0, problems: 0, firstDrawMs: null};

  var CSS = [
    ".pm-cluster{border-radius:50%;display:flex;align-items:center;justify-content:center;color:#fff;",
    "font:bold 12px/1 sans-serif;box-shadow:0 0 0 4px rgba(255,255,255,.6);cursor:pointer}",
    ".pm-cluster-overdue{background:rgba(192,57,43,.9)}.pm-cluster-open{background:rgba(230,126,34,.9)}",
    ".pm-cluster-closed{background:rgba(120,120,120,.85)}",
    ".pm-problem{border-radius:50%;border:2px solid #fff;color:#fff;display:flex;align-items:center;",
    "justify-content:center;font:bold 12px/1 sans-serif;box-shadow:0 1px 3px rgba(0,0,0,.5);cursor:pointer}",
    ".pm-problem.pm-overdue{border:3px solid #111}",
    ".pm-popup{min-width:220px;font-size:13px;line-height:1.5}.pm-popup h4{margin:0 0 4px;font-size:14px}",
    ".pm-popup dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:0 8px}.pm-popup dt{color:#666}",
    ".pm-popup dd{margin:0}.pm-popup .pm-photos img{height:64px;margin:4px 4px 0 0;border-radius:2px}",
    ".pm-legend{background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;font-size:12px;",
    "line-height:18px;box-shadow:0 1px 4px rgba(0,0,0,.3)}.pm-legend h4{margin:0 0 4px;font-size:13px}",
    ".pm-legend i{display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:6px;",
    "vertical-align:-2px}.pm-legend i.pm-ring{border:3px solid #111;width:8px;height:8px;background:#d62728}"
  ].join("");

  function injectCss() {
    if (document.getElementById("patrol-maps-css")) { return; }
    var style = document.createElement("style");
    style.id = "patrol-maps-css";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  function esc(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function roadClass(highway) {
    var base = String(highway || "").replace(/_link$/, "");
    return ROAD_STYLES[base] ? base : "other";
  }

  function roadLayer(map, options) {
    options = options || {};
    var svg = !!options.svg;
    var showAreas = options.areas !== false;
    var layer = L.vectorGrid.protobuf(options.tileUrl || "/tiles/roads/{z}/{x}/{y}.pbf", {
      rendererFactory: svg ? L.svg.tile : L.canvas.tile,
      interactive: false,
      pane: options.pane || "overlayPane",
      minZoom: options.minZoom || 0,
      maxZoom: options.maxZoom || 22,
      attribution: options.attribution || "",
      vectorTileLayerStyles: {
        roads: function (props) {
          var cls = roadClass(props.highway), s = ROAD_STYLES[cls];
          return {color: s.color, weight: s.weight, opacity: 0.9, lineCap: "round", lineJoin: "round",
                  className: "road road-" + cls};
        },
        intersections: function () {
          return {radius: 4, color: "#1b2631", weight: 1.5, fill: true, fillColor: "#ffffff", fillOpacity: 1,
                  className: "intersection"};
        },
        areas: function (props) {
          if (!showAreas) { return []; }
          var s = AREA_STYLES[props.kind] || AREA_STYLES.grid;
          return {color: s.color, weight: s.weight, dashArray: props.generated ? "1 5" : s.dashArray,
                  opacity: props.generated ? 0.55 : 0.9, fill: false, className: "area area-" + props.kind};
        }
      }
    });
    layer.on("tileload", function () { stats.roadTiles += 1; });
    return layer.addTo(map);
  }

  function clusterIcon(p) {
    var n = p.count || 0;
    var size = Math.round(Math.min(56, 24 + 7 * Math.log10(Math.max(1, n)) * 2));
    var kind = p.overdue > 0 ? "overdue" : (p.open > 0 ? "open" : "closed");
    var label = n >= 10000 ? (Math.round(n / 1000) + "k") : String(n);
    return L.divIcon({
      className: "", iconSize: [size, size],
      html: "<div class=\"pm-cluster pm-cluster-" + kind + "\" data-count=\"" + n + "\" title=\"" +
            esc(n + " 个问题，最多的类别：" + (p.category_name || "")) + "\" style=\"width:" + size +
            "px;height:" + size + "px\">" + esc(label) + "</div>"
    });
  }

  function problemIcon(p) {
    var st = STATUS[p.status] || {label: p.status, color: "#555"};
    var letter = (p.category_name || "?").charAt(0);
    return L.divIcon({
      className: "", iconSize: [24, 24],
      html: "<div class=\"pm-problem pm-status-" + esc(p.status) + (p.overdue ? " pm-overdue" : "") +
            "\" data-id=\"" + esc(p.id) + "\" title=\"" + esc((p.category_name || "") + " · " + st.label) +
            "\" style=\"width:24px;height:24px;background:" + st.color + "\">" + esc(letter) + "</div>"
    });
  }

  function popupHtml(d) {
    var st = STATUS[d.status] || {label: d.status_label || d.status};
    var photos = (d.photos || []).map(function (ph) {
      return "<a href=\"" + esc(ph.url) + "\" target=\"_blank\"><img src=\"" + esc(ph.thumbnail) + "\" alt=\"照片\"></a>";
    }).join("");
    var deadline = d.deadline ? new Date(d.deadline).toLocaleString("zh-CN", {hour12: false, timeZone: window.PatrolMaps.timeZone}) : "—";
    return "<div class=\"pm-popup\"><h4>" + esc(d.category_name) + " #" + esc(d.id) + "</h4><dl>" +
      "<dt>位置</dt><dd>" + esc(d.location_text || "—") + "</dd>" +
      "<dt>状态</dt><dd>" + esc(d.status_label || st.label) + (d.overdue ? "（已超期）" : "") + "</dd>" +
      "<dt>处置期限</dt><dd>" + esc(deadline) + "</dd></dl>" +
      (photos ? "<div class=\"pm-photos\">" + photos + "</div>" : "") + "</div>";
  }

  function detailPopup(detailUrl) {
    return function (props, latlng, marker) {
      var popup = L.popup({maxWidth: 320}).setLatLng(latlng).setContent("<div class=\"pm-popup\">正在加载…</div>");
      popup.openOn(marker._map);
      fetch(detailUrl.replace("{id}", encodeURIComponent(props.id)),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (!r.ok) { throw new Error(r.status === 404 ? "该问题不存在或不在辖区内" : "加载失败（" + r.status + "）"); }
          return r.json();
        })
        .then(function (d) { popup.setContent(popupHtml(d)); })
        .catch(function (err) { popup.setContent("<div class=\"pm-popup\">" + esc(err.message) + "</div>"); });
    };
  }

  var ProblemTiles = L.VectorGrid.Protobuf.extend({
    initialize: function (url, options) {
      L.VectorGrid.Protobuf.prototype.initialize.call(this, url, options);
      this._markers = {};
      this._group = L.layerGroup();
      this.on("tileunload", function (e) { this._dropTile(this._tileCoordsToKey(e.coords)); }, this);
    },
    onAdd: function (map) {
      L.VectorGrid.Protobuf.prototype.onAdd.call(this, map);
      this._group.addTo(map);
    },
    onRemove: function (map) {
      this._group.clearLayers();
      this._markers = {};
      map.removeLayer(this._group);
      L.VectorGrid.Protobuf.prototype.onRemove.call(this, map);
    },
    setQuery: function (query) {
      this._query = query || "";
      this.setUrl(this._baseUrl + (this._query ? "?" + this._query : ""), true);
      this._group.clearLayers();
      this._markers = {};
      return this.redraw();
    },
    _dropTile: function (key) {
      var markers = this._markers[key];
      if (!markers) { return; }
      for (var i = 0; i < markers.length; i++) { this._group.removeLayer(markers[i]); }
      delete this._markers[key];
    },
    createTile: function (coords, done) {
      var tile = document.createElement("div");
      var key = this._tileCoordsToKey(coords);
      var self = this;
      this._getVectorTilePromise(coords).then(function (vt) {
        if (!self._map) { done(null, tile); return; }
        self._dropTile(key);
        var size = self.getTileSize(), added = [], nClusters = 0, nProblems = 0;
        var origin = coords.scaleBy(size);
        ["clusters", "problems"].forEach(function (name) {
          var layer = vt.layers[name];
          if (!layer) { return; }
          var scale = size.x / layer.extent;
          layer.features.forEach(function (feat) {
            var pt = feat.geometry[0][0];
            var latlng = self._map.unproject(origin.add(L.point(pt.x * scale, pt.y * scale)), coords.z);
            var props = feat.properties, marker;
            if (name === "clusters") {
              marker = L.marker(latlng, {icon: clusterIcon(props), keyboard: false, riseOnHover: true});
              marker.on("click", function () {
                self._map.setView(latlng, Math.min(coords.z + 2, self._map.getMaxZoom()));
              });
              nClusters += 1;
            } else {
              marker = L.marker(latlng, {icon: problemIcon(props), keyboard: false, riseOnHover: true});
              marker.on("click", function () { self._onClick(props, latlng, marker); });
              nProblems += 1;
            }
            marker.feature = {layer: name, properties: props};
            added.push(marker);
            self._group.addLayer(marker);
          });
        });
        self._markers[key] = added;
        stats.problemTiles += 1;
        stats.clusters += nClusters;
        stats.problems += nProblems;
        if (stats.firstDrawMs === null && added.length) { stats.firstDrawMs = window.performance.now(); }
        document.dispatchEvent(new CustomEvent("patrolmaps:drawn", {detail: {clusters: nClusters, problems: nProblems}}));
        done(null, tile);
      }, function (err) { done(err, tile); });
      return tile;
    }
  });

  function problemLayer(map, options) {
    options = options || {};
    injectCss();
    var base = options.tileUrl || "/tiles/problems/{z}/{x}/{y}.pbf";
    var query = options.query ? String(options.query).replace(/^\?/, "") : "";
    var layer = new ProblemTiles(base + (query ? "?" + query : ""), {
      interactive: false, pane: options.pane || "overlayPane", maxZoom: options.maxZoom || 22,
      vectorTileLayerStyles: {}
    });
    layer._baseUrl = base;
    layer._query = query;
    layer._onClick = options.onClick || detailPopup(options.detailUrl || "/api/v1/problems/{id}/");
    return layer.addTo(map);
  }

  function legend(map, options) {
    options = options || {};
    injectCss();
    var control = L.control({position: options.position || "bottomright"});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "pm-legend");
      var rows = Object.keys(STATUS).map(function (code) {
        return "<div><i style=\"background:" + STATUS[code].color + "\"></i>" + STATUS[code].label + "</div>";
      }).join("");
      div.innerHTML = "<h4>" + esc(options.title || "问题图例") + "</h4>" + rows +
        "<div><i class=\"pm-ring\"></i>黑圈：已超期</div>" +
        "<div><i style=\"background:rgba(192,57,43,.9)\"></i>聚合：含超期</div>" +
        "<div><i style=\"background:rgba(230,126,34,.9)\"></i>聚合：含未办结</div>" +
        "<div><i style=\"background:rgba(120,120,120,.85)\"></i>聚合：均已办结</div>" +
        "<div>圆内数字为问题数；标记上的字为类别首字</div>";
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return control.addTo(map);
  }

  window.PatrolMaps = {
    roadLayer: roadLayer,
    problemLayer: problemLayer,
    legend: legend,
    STATUS: STATUS,
    ROAD_STYLES: ROAD_STYLES,
    stats: stats,
    // the zone times are shown in (a deadline in a popup), whatever the device is set to
    timeZone: "Asia/Shanghai"
  };
})(window, window.L);
