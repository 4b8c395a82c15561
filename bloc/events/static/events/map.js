// Event markers on a Leaflet map. The list below the map carries the same events, so the page
// works when Leaflet or the tiles cannot load; tiles are drawn only when a tile URL is configured.
(function () {
  "use strict";
  var element = document.getElementById("event-map");
  var data = document.getElementById("event-markers");
  if (!element || !data || typeof window.L === "undefined") {
    if (element) { element.hidden = true; }
    return;
  }
  var markers = JSON.parse(data.textContent || "[]");
  var map = window.L.map(element, { scrollWheelZoom: false });
  var tiles = element.dataset.tilesUrl;
  if (tiles) {
    window.L.tileLayer(tiles, { attribution: element.dataset.tilesAttribution || "", maxZoom: 18 }).addTo(map);
  }
  var icon = window.L.icon({
    iconUrl: element.dataset.iconUrl,
    shadowUrl: element.dataset.shadowUrl,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41]
  });
  var points = [];
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.title;
    window.L.marker([m.lat, m.lng], { icon: icon, title: m.title }).addTo(map).bindPopup(link);
    points.push([m.lat, m.lng]);
  });
  if (points.length) {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 12 });
  } else {
    map.setView([39.8, -98.6], 4);
  }
})();
