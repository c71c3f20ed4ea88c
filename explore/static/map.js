// The map and the time series, drawn in plain SVG by this script. The country outlines are
// world-atlas's TopoJSON (Natural Earth, 1:110m), a file of Cedar: no tiles, no network.
"use strict";

const CedarMap = (() => {
  const NS = "http://www.w3.org/2000/svg";
  let outlines = null;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
    for (const c of children) node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  // TopoJSON: arcs delta-encoded and quantized; a ring is a list of arc indexes (~i: arc i reversed).
  function decode(topo) {
    const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
    const arcs = topo.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
    });
    const ring = (idx) => {
      const pts = [];
      for (const i of idx) {
        const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
        pts.push(...(pts.length ? a.slice(1) : a));
      }
      return pts;
    };
    const paths = [];
    for (const g of topo.objects.countries.geometries) {
      const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      let d = "";
      for (const poly of polys) for (const r of poly) {
        // a ring that crosses the antimeridian (Fiji, Chukotka) jumps across the map: it is lifted there
        let last = null;
        d += ring(r).map(([x, y]) => {
          const move = last === null || Math.abs(x - last) > 180;
          last = x;
          return `${move ? "M" : "L"}${x.toFixed(2)},${(-y).toFixed(2)}`;
        }).join("") + "Z";
      }
      paths.push({name: (g.properties || {}).name || "", d});
    }
    return paths;
  }

  async function loadOutlines() {
    if (!outlines) {
      const res = await fetch("/static/vendor/world-atlas/countries-110m.json");
      outlines = decode(await res.json());
    }
    return outlines;
  }

  function mapQuery(query, box) {
    const p = new URLSearchParams(query);
    if (box) ["west", "south", "east", "north"].forEach((k, i) => p.set(k, box[i]));
    return p.toString();
  }

  async function draw(panel, query, go) {
    const here = new URLSearchParams(location.search);
    const box = here.get("bbox") ? here.get("bbox").split(",").map(Number) : null;
    const res = await fetch(`/api/map?${mapQuery(query, box && box.length === 4 && box.every(isFinite) ? box : null)}`);
    const data = await res.json();
    if (!res.ok) { panel.replaceChildren(document.createTextNode(data.error || "The map could not be drawn.")); return; }
    const land = await loadOutlines();
    let [w, s, e, n] = data.bbox;
    const padX = Math.max(4, (e - w) * 0.08), padY = Math.max(3, (n - s) * 0.08);
    w = Math.max(-180, w - padX); e = Math.min(180, e + padX); s = Math.max(-90, s - padY); n = Math.min(90, n + padY);
    const width = e - w, height = n - s;
    const root = svg("svg", {viewBox: `${w} ${-n} ${width} ${height}`, width: "100%", height: 380,
      preserveAspectRatio: "xMidYMid meet", id: "map-svg", role: "img", "aria-label": "Map of the events"});
    const g = svg("g", {});
    for (const c of land) g.appendChild(svg("path", {class: "land", d: c.d, "vector-effect": "non-scaling-stroke"}, svg("title", {}, c.name)));
    root.appendChild(g);
    const max = Math.max(1, ...data.rows.map((r) => r[0]));
    const least = Math.max(width, height) / 250;
    for (const [count, lat, lon, deaths, imprecise, one] of data.rows) {
      const r = Math.max(least, data.cell * 0.5 * Math.sqrt(count / max));
      const dot = svg("circle", {cx: lon, cy: -lat, r, class: imprecise ? "imprecise" : "exact",
        "vector-effect": "non-scaling-stroke", "data-count": count},
        svg("title", {}, `${count} event${count === 1 ? "" : "s"}${imprecise ? " at imprecise places (near a place, or a region)" : ""}` +
          `; fatalities reported: ${deaths === null ? "none" : deaths}`));
      dot.style.cursor = "pointer";
      dot.addEventListener("click", () => {
        const p = new URLSearchParams(location.search);
        const v = p.get("version");
        if (count === 1) { go(`/event/${encodeURIComponent(one)}${v ? "?version=" + encodeURIComponent(v) : ""}`); return; }
        const c = data.cell * 1.5;
        p.set("bbox", [lon - c, lat - c, lon + c, lat + c].map((x, i) => Math.max(i % 2 ? -90 : -180, Math.min(i % 2 ? 90 : 180, x)).toFixed(4)).join(","));
        go(`/?${p.toString()}`);
      });
      root.appendChild(dot);
    }
    const head = document.createElement("div");
    head.className = "toolbar";
    const title = document.createElement("b");
    title.textContent = `Map: ${data.rows.length} clusters (grid cells of ${data.cell}°)`;
    head.append(title, " ● exact place ◌ imprecise place (near a place, or only the region)");
    if (box) {
      const out = document.createElement("a");
      out.href = "#"; out.id = "zoom-out"; out.textContent = "whole extent";
      out.onclick = (ev) => { ev.preventDefault(); const p = new URLSearchParams(location.search); p.delete("bbox"); go(`/?${p.toString()}`); };
      head.append(" · ", out);
    }
    const sql = document.createElement("details");
    const sum = document.createElement("summary"); sum.textContent = "Show SQL";
    const pre = document.createElement("pre"); pre.className = "sql"; pre.textContent = data.sql;
    sql.append(sum, pre);
    panel.replaceChildren(head, root, sql);
  }

  function series(data) {
    const rows = data.rows;
    const W = 900, H = 160, L = 40, B = 20;
    const root = svg("svg", {viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, id: "series-svg"});
    if (!rows.length) { root.appendChild(svg("text", {x: 10, y: 20}, "No events.")); return root; }
    const maxN = Math.max(1, ...rows.map((r) => r[1]));
    const maxD = Math.max(1, ...rows.map((r) => r[2] || 0));
    const bw = (W - L) / rows.length;
    let line = "";
    rows.forEach(([period, n, deaths, unreported], i) => {
      const h = (H - B - 10) * n / maxN;
      root.appendChild(svg("rect", {class: "bar", x: L + i * bw, y: H - B - h, width: Math.max(1, bw - 1), height: h},
        svg("title", {}, `${data.unit} of ${period}: ${n} events; fatalities reported ${deaths === null ? "none" : deaths}` +
          (unreported ? ` (${unreported} events with fatalities not reported)` : ""))));
      const y = H - B - (H - B - 10) * (deaths || 0) / maxD;
      line += `${i ? "L" : "M"}${L + i * bw + bw / 2},${y}`;
    });
    root.appendChild(svg("path", {class: "line", d: line}));
    root.appendChild(svg("text", {x: 0, y: 12}, `${maxN} ev.`));
    root.appendChild(svg("text", {x: 0, y: 26, fill: "#c0392b"}, `${maxD} fat.`));
    root.appendChild(svg("text", {x: L, y: H - 4}, rows[0][0]));
    root.appendChild(svg("text", {x: W - 70, y: H - 4}, rows[rows.length - 1][0]));
    return root;
  }

  return {draw, series};
})();
