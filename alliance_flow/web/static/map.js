/* The organisations map (Leaflet). Reads everything from the #map element's data- attributes;
   no inline script. Without a reachable tile server the map stays blank but still shows and
   places the organisations, and says why it is blank. */
(function () {
  "use strict";

  function start() {
    var el = document.getElementById("map");
    if (!el || typeof L === "undefined") { return; }
    var status = document.getElementById("map-status");
    var places = JSON.parse(el.dataset.places || "[]");
    var mayPlace = el.dataset.mayPlace === "yes";
    var nojs = el.querySelector(".af-map__nojs");
    if (nojs) { nojs.remove(); }
    el.classList.add("af-map--live");

    function say(text) { if (status) { status.textContent = text; } }

    var map = L.map(el, { scrollWheelZoom: false });
    var tilesFailed = false;
    if (el.dataset.tiles) {
      var layer = L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: el.dataset.attribution || ""
      });
      layer.on("tileerror", function () {
        if (!tilesFailed) {
          tilesFailed = true;
          el.classList.add("af-map--offline");
          say(el.dataset.textOffline);
        }
      });
      layer.addTo(map);
    } else {
      el.classList.add("af-map--offline");
      say(el.dataset.textNoTiles);
    }

    var markers = {};
    var bounds = [];
    places.forEach(function (p) {
      if (p.lat === null || p.lng === null) { return; }
      var marker = L.marker([p.lat, p.lng], { title: p.name, alt: p.name, draggable: mayPlace });
      // the name stays next to its pin: on a blank map (offline) it is the only landmark
      marker.bindTooltip(document.createTextNode(p.name), { permanent: true, direction: "right" });
      marker.addTo(map);
      marker.on("dragend", function () { fill(p.id, marker.getLatLng()); });
      markers[p.id] = marker;
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else {
      map.setView([48.5, 6.0], 4); // Europe: where the guide's alliances are
    }

    var picking = null;

    function formOf(id) {
      return document.querySelector('form.af-place__form[data-org="' + id + '"]');
    }

    function fill(id, latlng) {
      var form = formOf(id);
      if (!form) { return; }
      form.querySelector('input[name="latitude"]').value = latlng.lat.toFixed(6);
      form.querySelector('input[name="longitude"]').value = latlng.lng.toFixed(6);
      say((el.dataset.textPicked || "").replace("%(name)s", form.dataset.name));
      var save = form.querySelector('button[type="submit"]');
      if (save) { save.focus(); }
    }

    map.on("click", function (e) {
      if (picking === null) { return; }
      var id = picking;
      picking = null;
      el.classList.remove("af-map--picking");
      if (markers[id]) {
        markers[id].setLatLng(e.latlng);
      } else {
        var picked = formOf(id);
        markers[id] = L.marker(e.latlng, { draggable: true }).addTo(map);
        if (picked) {
          markers[id].bindTooltip(document.createTextNode(picked.dataset.name),
            { permanent: true, direction: "right" });
        }
        markers[id].on("dragend", function () { fill(id, markers[id].getLatLng()); });
      }
      fill(id, e.latlng);
    });

    if (mayPlace) {
      document.querySelectorAll("button.af-pick").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          picking = button.dataset.org;
          el.classList.add("af-map--picking");
          var form = formOf(picking);
          say((el.dataset.textPicking || "").replace("%(name)s", form ? form.dataset.name : ""));
          el.scrollIntoView({ behavior: "smooth", block: "center" });
          el.focus();
        });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
