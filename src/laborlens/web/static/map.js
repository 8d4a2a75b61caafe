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

// Type -> colour, from the page's legend (style.css defines each type's --type colour).
function typeColours() {
  const colours = {};
  for (const item of document.querySelectorAll(".type-legend [data-type]")) {
    colours[item.dataset.type] = getComputedStyle(item).getPropertyValue("--type").trim();
  }
  return colours;
}

async function drawMap(box) {
  const colours = typeColours();
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
  // The event list's own places come with the page; the map page fetches every match.
  const data = box.dataset.points
    ? JSON.parse(box.dataset.points)
    : await (await fetch(box.dataset.geojson)).json();
  const dots = L.geoJSON(data, {
    pointToLayer: (feature, latlng) => {
      const colour = colours[feature.properties.type] || "#78909c";
      return L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.9 });
    },
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
