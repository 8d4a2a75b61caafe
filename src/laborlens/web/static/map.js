// laborlens map: Natural Earth country outlines (no tile server) and one dot per event place.
// Popups are built with textContent, so nothing from an article is parsed as HTML.
"use strict";

function popupFor(properties) {
  const box = document.createElement("div");
  const add = (tag, text) => {
    const element = document.createElement(tag);
    element.textContent = text;
    box.appendChild(element);
    return element;
  };
  add("strong", properties.type_label + (properties.date ? " · " + properties.date : ""));
  add("div", properties.place_en || properties.place || "").dir = "auto";
  add("p", properties.summary_en || "");
  const link = add("a", properties.title || "article");
  link.dir = "auto";
  link.href = "/articles/" + encodeURIComponent(properties.article_id);
  return box;
}

async function drawMap(box) {
  const map = L.map(box, { worldCopyJump: true }).setView([25, 15], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  if (typeof topojson !== "undefined") {
    const world = await (await fetch(box.dataset.outline)).json();
    L.geoJSON(topojson.feature(world, world.objects.countries), {
      interactive: false,
      style: { color: "#90a4ae", weight: 1, fillColor: "#eceff1", fillOpacity: 1 },
    }).addTo(map);
  }
  const data = await (await fetch(box.dataset.geojson)).json();
  const dots = L.geoJSON(data, {
    pointToLayer: (_feature, latlng) =>
      L.circleMarker(latlng, { radius: 7, color: "#4a148c", fillColor: "#ab47bc", fillOpacity: 0.8 }),
    onEachFeature: (feature, layer) => layer.bindPopup(() => popupFor(feature.properties)),
  }).addTo(map);
  const count = dots.getLayers().length;
  if (count) map.fitBounds(dots.getBounds(), { maxZoom: 6, padding: [30, 30] });
  box.dataset.markers = String(count);
}

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("map");
  if (box && typeof L !== "undefined") {
    drawMap(box).catch((error) => {
      box.dataset.error = String(error);
      console.error(error);
    });
  }
});
