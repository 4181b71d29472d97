// hubkb's citation network: Cytoscape.js on the elements embedded in the page.
// Small graphs get the force-directed "cose" layout; large ones come with
// positions computed by the server (rings by degree) and are drawn as they are.
(function () {
  "use strict";
  var container = document.getElementById("hubkb-network");
  var source = document.getElementById("hubkb-network-data");
  if (!container || !source || typeof cytoscape !== "function") { return; }
  var started = performance.now();
  var elements = JSON.parse(source.textContent);
  var nodeCount = elements.filter(function (e) { return e.group === "nodes"; }).length;
  var placed = elements.some(function (e) { return e.position; });
  // Styles by selector, not by function: mapped per element, functions cost
  // milliseconds a thousand nodes. A large graph is drawn at one pixel ratio,
  // with solid lines and no labels until zoomed in: that halves its first frame.
  var colours = { post: "#1f6fb4", person: "#2c9a3c", organisation: "#e07b10", work: "#8453b8" };
  var shapes = { post: "round-rectangle", person: "ellipse", organisation: "hexagon", work: "rectangle" };
  var edges = {
    cites: ["#888888", "solid"], relays: ["#c62828", "dashed"],
    defines: ["#1f6fb4", "solid"], quotes: ["#2c9a3c", "dotted"]
  };
  var style = [
    { selector: "node", style: {
      "label": placed ? "" : "data(short)", "font-size": 10, "min-zoomed-font-size": 6,
      "text-valign": "bottom", "text-margin-y": 3, "width": 18, "height": 18, "background-color": "#777"
    } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } },
    { selector: "edge", style: {
      "width": 1.5, "curve-style": placed ? "haystack" : "bezier",
      "target-arrow-shape": placed ? "none" : "triangle", "arrow-scale": 0.8
    } }
  ];
  Object.keys(colours).forEach(function (type) {
    style.push({ selector: 'node[type = "' + type + '"]',
                 style: { "background-color": colours[type], "shape": shapes[type] } });
  });
  Object.keys(edges).forEach(function (type) {
    style.push({ selector: 'edge[type = "' + type + '"]',
                 style: { "line-color": edges[type][0], "target-arrow-color": edges[type][0],
                          "line-style": placed ? "solid" : edges[type][1] } });
  });
  elements.forEach(function (e) {
    if (e.group === "nodes") {
      var label = e.data.label || e.data.key;
      e.data.short = label.length > 40 ? label.slice(0, 38) + "…" : label;
    }
  });
  var layout = placed
    ? { name: "preset", fit: true, padding: 10 }
    : { name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 400000; },
        idealEdgeLength: function () { return 120; }, nodeOverlap: 40, numIter: 1500, padding: 30 };
  var cy = cytoscape({
    container: container, elements: elements, style: style, layout: layout,
    minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.3,
    hideEdgesOnViewport: placed, textureOnViewport: placed, pixelRatio: placed ? 1 : "auto"
  });
  if (placed) {  // names appear once zoomed in enough to read them
    var labelled = false;
    cy.on("zoom", function () {
      var wanted = cy.zoom() > 0.9;
      if (wanted !== labelled) {
        labelled = wanted;
        cy.style().selector("node").style("label", wanted ? "data(short)" : "").update();
      }
    });
  }
  // A node's page: "work:boyle-harris-2009" -> <database>/works/boyle-harris-2009, the key
  // tilde-encoded as Datasette does (every character but A-Z a-z 0-9 _ - as ~XX).
  var tables = { post: "posts", person: "people", organisation: "organisations", work: "works" };
  function tildeEncode(key) {
    return Array.from(new TextEncoder().encode(key)).map(function (b) {
      var c = String.fromCharCode(b);
      return /[A-Za-z0-9_-]/.test(c) ? c : "~" + b.toString(16).toUpperCase().padStart(2, "0");
    }).join("");
  }
  function pageOf(node) {
    var id = node.id(), at = id.indexOf(":");
    return container.getAttribute("data-database-url") + "/" + tables[id.slice(0, at)] + "/" + tildeEncode(id.slice(at + 1));
  }
  cy.on("tap", "node", function (event) { window.location.href = pageOf(event.target); });
  cy.on("mouseover", "node", function (event) { container.title = event.target.data("label"); });
  // What the browser test reads, once the first frame is drawn: what was drawn and how long it took.
  cy.one("render", function () {
    window.hubkbNetwork = {
      cy: cy, nodes: cy.nodes().length, edges: cy.edges().length,
      ms: performance.now() - started
    };
    container.setAttribute("data-rendered", String(cy.nodes().length));
  });
})();
