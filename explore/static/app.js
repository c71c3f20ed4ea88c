// Cedar explorer. Every text from the data goes into the page as a text node (textContent), never as
// markup; links are made only for http(s) addresses. The page talks to its own server only.
"use strict";

const FACETS = ["country", "admin1", "event_type", "sub_event_type", "verification_status", "source_scale",
  "date_precision", "geo_precision", "disorder_type"];
const FILTERS = [...FACETS, "actor", "since", "until", "q"];
let META = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "onclick" || k === "onchange" || k === "oninput" || k === "onsubmit") node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function safeUrl(text) {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
  } catch (e) { return null; }
}

function params() { return new URLSearchParams(location.search); }

function apiQuery(extra) {
  const p = params();
  const out = new URLSearchParams();
  for (const [k, v] of p) if (FILTERS.includes(k) || k === "version") out.append(k, v);
  for (const [k, v] of Object.entries(extra || {})) out.set(k, v);
  return out.toString();
}

function showMessage(error) {
  const box = document.getElementById("message");
  box.replaceChildren();
  if (!error) { box.hidden = true; return; }
  box.append(el("div", {class: "error"}, error.error || String(error)));
  if (error.hint) box.append(el("div", {class: "hint"}, error.hint));
  box.hidden = false;
}

async function api(path, query) {
  const res = await fetch(`/api/${path}${query ? "?" + query : ""}`);
  const data = await res.json();
  if (!res.ok) throw data;
  return data;
}

function go(url) {
  history.pushState(null, "", url);
  render();
}

function link(text, url, attrs) {
  return el("a", {href: url, ...(attrs || {}), onclick: (e) => {
    if (e.ctrlKey || e.metaKey || e.button !== 0) return;
    e.preventDefault(); go(url);
  }}, text);
}

function withVersion(path, extra) {
  const p = new URLSearchParams(extra || {});
  const v = params().get("version");
  if (v) p.set("version", v);
  const q = p.toString();
  return q ? `${path}?${q}` : path;
}

function meaning(table, column) {
  return ((META && META.columns[table]) || {})[column] || "";
}

function fatalities(v) {
  return (v === null || v === undefined) ? el("span", {class: "nr"}, "not reported") : String(v);
}

function fmt(v) {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.join("; ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function sqlBox(sql, id) {
  return el("details", {class: "show-sql", id: id}, el("summary", {}, "Show SQL"), el("pre", {class: "sql"}, sql));
}

function table(columns, rows, opts) {
  const o = opts || {};
  const head = el("tr", {}, columns.map((c) => el("th", {title: meaning(o.table || "events", c) || null}, c)));
  const body = rows.map((r) => el("tr", {}, r.map((v, i) => {
    const c = columns[i];
    if (c === "event_id" && o.eventLinks && v) return el("td", {}, link(v, withVersion(`/event/${encodeURIComponent(v)}`)));
    if (c === "fatalities" && o.eventLinks) return el("td", {class: "num"}, fatalities(v));
    return el("td", {class: typeof v === "number" ? "num" : null}, fmt(v));
  })));
  return el("table", {id: o.id || null}, el("thead", {}, head), el("tbody", {}, body));
}

function downloads(query, label) {
  return el("span", {class: "chips"}, label || "Download:",
    ["csv", "parquet", "json"].map((f) => el("a", {href: `/api/download?${query}&format=${f}`, download: "",
      class: `download-${f}`}, f.toUpperCase())));
}

// --- the events view --------------------------------------------------------------------------------

function setFilter(name, value, on) {
  const p = params();
  const values = p.getAll(name).filter((v) => v !== value);
  p.delete(name);
  p.delete("page");
  for (const v of values) p.append(name, v);
  if (on) p.append(name, value);
  go(`/?${p.toString()}`);
}

function setSingle(name, value) {
  const p = params();
  p.delete(name);
  p.delete("page");
  if (value) p.set(name, value);
  go(`/?${p.toString()}`);
}

function facetList(name, facet, title) {
  const chosen = params().getAll(name);
  const box = el("div", {class: "facet", id: `facet-${name}`});
  box.append(el("h3", {title: meaning("events", name) || null}, title || name.replace(/_/g, " ")));
  const seen = new Set();
  for (const item of facet.values) {
    const value = item.value;
    seen.add(value);
    const label = value === null ? "(none)" : value;
    const input = el("input", {type: "checkbox", checked: chosen.includes(value) ? "" : null,
      disabled: value === null ? "" : null,
      onchange: (e) => setFilter(name, value, e.target.checked)});
    box.append(el("label", {}, el("span", {class: "v"}, input, " ", label), el("span", {class: "n"}, item.count.toLocaleString())));
  }
  for (const value of chosen) {
    if (seen.has(value)) continue;
    box.append(el("label", {}, el("span", {class: "v"}, el("input", {type: "checkbox", checked: "",
      onchange: () => setFilter(name, value, false)}), " ", value), el("span", {class: "n"}, "0")));
  }
  if (facet.more) box.append(el("div", {class: "more"}, "… more values: narrow the other filters"));
  return box;
}

function dateFilters() {
  const p = params();
  const box = el("div", {class: "dates"}, el("h3", {title: meaning("events", "event_date")}, "date range ",
    el("small", {}, META ? `${META.first_date || ""} to ${META.last_date || ""}` : "")));
  for (const name of ["since", "until"]) {
    box.append(el("label", {}, name + " ", el("input", {type: "date", id: `filter-${name}`, value: p.get(name) || "",
      min: META && META.first_date, max: META && META.last_date,
      onchange: (e) => setSingle(name, e.target.value)})));
    box.append(" ");
  }
  const text = el("input", {type: "search", id: "filter-q", value: p.get("q") || "", placeholder: "words in notes or place"});
  const form = el("form", {onsubmit: (e) => { e.preventDefault(); setSingle("q", text.value.trim()); }}, text);
  box.append(el("h3", {}, "text"), form);
  const who = el("input", {type: "search", id: "filter-actor", placeholder: "an actor's name or alias"});
  box.append(el("h3", {title: "First or second actor, or an associated one; an alias of the actor registry finds its actor"},
    "actor"), el("form", {onsubmit: (e) => { e.preventDefault(); if (who.value.trim()) setFilter("actor", who.value.trim(), true); }}, who));
  return box;
}

async function renderExplore(view) {
  const p = params();
  const unit = p.get("unit") === "week" ? "week" : "month";
  const page = Math.max(0, parseInt(p.get("page") || "0", 10) || 0);
  const q = apiQuery();
  const [facets, events, series] = await Promise.all([api("facets", q), api("events", apiQuery({page})),
    api("timeseries", apiQuery({unit}))]);
  const aside = el("aside", {id: "filters"}, dateFilters(), facetList("actor", facets.actors, "actor"),
    FACETS.map((n) => facetList(n, facets.facets[n])));
  const total = facets.total;
  const active = FILTERS.filter((n) => p.getAll(n).length);
  const summary = el("div", {class: "panel summary", id: "summary"},
    el("b", {id: "total-events"}, total.events.toLocaleString()), " events, ",
    el("b", {}, total.fatalities === null ? "no" : total.fatalities.toLocaleString()), " fatalities reported",
    total.unreported ? el("span", {class: "nr"}, ` (${total.unreported.toLocaleString()} events with fatalities not reported)`) : "",
    active.length ? el("span", {}, " · ", link("clear filters", withVersion("/"))) : "",
    el("div", {}, downloads(apiQuery({view: "events"}), "Download these events: ")),
    sqlBox(facets.sql, "facets-sql"));
  const mapPanel = el("div", {class: "panel map", id: "map"});
  const seriesPanel = el("div", {class: "panel series", id: "series"},
    el("div", {class: "toolbar"}, el("b", {}, `Events and fatalities by ${unit}`),
      link(unit === "week" ? "by month" : "by week (from Saturday)", `/?${withUnit(unit === "week" ? "month" : "week")}`)),
    CedarMap.series(series), sqlBox(series.sql, "series-sql"));
  const pages = Math.max(1, Math.ceil(total.events / events.page_size));
  const pager = el("div", {class: "pager"},
    page > 0 ? link("← newer", `/?${withPage(page - 1)}`) : "",
    el("span", {}, `page ${page + 1} of ${pages.toLocaleString()}`),
    page + 1 < pages ? link("older →", `/?${withPage(page + 1)}`, {id: "next-page"}) : "");
  const list = el("div", {class: "panel"}, el("b", {}, "Events"), pager,
    table(events.columns, events.rows, {eventLinks: true, id: "events"}), sqlBox(events.sql, "events-sql"));
  view.replaceChildren(el("div", {class: "explore"}, aside, el("section", {}, summary, mapPanel, seriesPanel, list)));
  CedarMap.draw(mapPanel, q, (url) => go(url));
}

function withPage(page) {
  const p = params(); p.set("page", page); return p.toString();
}

function withUnit(unit) {
  const p = params(); p.set("unit", unit); return p.toString();
}

// --- one event ---------------------------------------------------------------------------------------

const EVENT_GROUPS = [
  ["What", ["event_type", "sub_event_type", "disorder_type", "interaction", "notes", "tags"]],
  ["Actors", ["actor1", "assoc_actor_1", "inter1"]],
  ["Target", ["actor2", "assoc_actor_2", "inter2", "target_kind", "civilian_targeting"]],
  ["Place", ["location", "admin1", "admin2", "admin3", "country", "iso3", "region", "latitude", "longitude", "geo_precision"]],
  ["Dates", ["event_date", "event_date_end", "date_precision"]],
  ["Fatalities", ["fatalities", "fatalities_low", "fatalities_high"]],
  ["Verification", ["verification_status", "verification_basis", "claimed_by", "denied_by", "verification_note"]],
  ["Sources", ["sources", "source_scale", "evidence"]],
  ["Record", ["event_id", "version", "timestamp", "external_ids", "submission_id", "coder", "schema_version"]],
];

function fieldList(ev, names, table) {
  const dl = el("dl", {class: "fields"});
  for (const n of names) {
    if (!(n in ev)) continue;
    let v = ev[n];
    let shown;
    if (n.startsWith("fatalities")) shown = fatalities(v);
    else if (n === "verification_status") shown = el("span", {class: `status ${v}`, id: "verification-status"}, v);
    else shown = fmt(v) || el("span", {class: "muted"}, "—");
    dl.append(el("dt", {title: meaning(table || "events", n) || null}, n), el("dd", {id: `field-${n}`}, shown));
  }
  return dl;
}

function documentView(source) {
  if (!source.document_text) {
    return source.document ? el("p", {class: "muted"}, `The document ${source.document} is not at hand: ` +
      "give its folder with cedar serve --documents.") : null;
  }
  const box = el("div", {class: "document", id: `document-${source.source_no}`});
  for (const piece of source.document_text) box.append(piece.mark ? el("mark", {}, piece.text) : document.createTextNode(piece.text));
  return box;
}

async function renderEvent(view, id) {
  const data = await api(`event/${encodeURIComponent(id)}`, apiQuery());
  const ev = data.event;
  const parts = [el("p", {}, link("← events", withVersion("/")))];
  parts.push(el("h1", {}, ev ? `${ev.event_id}: ${ev.sub_event_type} in ${ev.location}, ${ev.event_date}` : id));
  if (data.deletion) {
    parts.push(el("div", {class: "deleted", id: "deletion"}, el("b", {}, "Deleted"),
      ` in release ${fmt(data.deletion.deleted_in)} (last version ${fmt(data.deletion.last_version)}). Reason: `,
      el("span", {id: "deletion-reason"}, fmt(data.deletion.reason) || "not given")));
  }
  if (data.change) parts.push(el("p", {class: "muted"}, `In this release: ${data.change.change}` +
    (data.change.previous_version ? ` (version ${data.change.previous_version} → ${data.change.version})` : "")));
  if (ev) {
    for (const [title, names] of EVENT_GROUPS) parts.push(el("section", {class: "panel", id: `group-${title.toLowerCase()}`},
      el("h2", {}, title), fieldList(ev, names)));
    if (ev.external_ids && ev.external_ids.length) parts.push(el("p", {class: "muted"}, "The same event in other datasets: ", ev.external_ids.join(", ")));
  }
  if (data.claims.length) {
    const cols = Object.keys(data.claims[0]);
    parts.push(el("section", {class: "panel", id: "claims"}, el("h2", {}, "Claims, aspect by aspect"),
      table(cols, data.claims.map((c) => cols.map((k) => c[k])), {table: "claims"})));
  }
  for (const s of data.sources) {
    const url = s.url && safeUrl(s.url);
    parts.push(el("section", {class: "panel source"}, el("h2", {}, `Source ${s.source_no}: `, s.name || ""),
      fieldList(s, Object.keys(s).filter((k) => !["document_text", "source_no", "name"].includes(k)), "sources"),
      url ? el("p", {}, el("a", {href: url, rel: "noopener noreferrer nofollow", target: "_blank"}, url)) : null,
      ev && ev.evidence ? el("p", {}, el("b", {}, "Evidence: "), el("q", {}, ev.evidence)) : null,
      documentView(s)));
  }
  const versions = el("section", {class: "panel", id: "history"}, el("h2", {}, "In every release"));
  parts.push(versions);
  view.replaceChildren(...parts);
  const seen = await api(`history/${encodeURIComponent(id)}`, "");
  versions.append(table(["release", "event_version", "event_date", "verification_status", "fatalities", "deleted", "reason"],
    seen.map((r) => [r.release, r.event_version, r.event_date, r.verification_status, r.fatalities, r.deleted ? "deleted" : "", r.reason])));
}

// --- the SQL box -------------------------------------------------------------------------------------

async function renderSql(view) {
  const p = params();
  const sql = p.get("sql") || "";
  const box = el("textarea", {id: "sql", spellcheck: "false"});
  box.value = sql;
  const run = () => {
    const q = new URLSearchParams(); q.set("sql", box.value);
    if (p.get("version")) q.set("version", p.get("version"));
    go(`/sql?${q.toString()}`);
  };
  const examples = el("ul", {class: "examples"}, (META ? META.examples : []).map((x) =>
    el("li", {}, el("a", {onclick: () => { box.value = x.sql; run(); }}, x.title))));
  const result = el("div", {id: "sql-result"});
  view.replaceChildren(el("h1", {}, "SQL over the release"),
    el("p", {class: "muted"}, "One SELECT over the views " + (META ? META.views.join(", ") : "") +
      ". It runs read-only, with a time limit and a row cap."),
    box, el("p", {}, el("button", {id: "run-sql", onclick: run}, "Run")),
    el("h3", {}, "Examples"), examples, result);
  if (!sql.trim()) return;
  const data = await api("sql", apiQuery({sql}));
  const dq = new URLSearchParams({sql});
  if (p.get("version")) dq.set("version", p.get("version"));
  result.append(el("p", {}, `${data.rows.length.toLocaleString()} rows` + (data.cut ? ` (stopped at ${data.max_rows}: the query has more; download for all)` : ""),
    " · ", downloads(dq.toString())));
  result.append(table(data.columns, data.rows, {eventLinks: data.columns.includes("event_id"), id: "sql-table"}));
}

// --- the release's pages -----------------------------------------------------------------------------

async function renderRelease(view) {
  const data = await api("release", apiQuery());
  const m = data.manifest || {};
  const parts = [el("h1", {}, `Release ${data.version}`)];
  parts.push(el("section", {class: "panel", id: "manifest"}, el("h2", {}, "Manifest"),
    el("dl", {class: "fields"}, ["version", "created", "previous_version", "schema_version"].map((k) =>
      [el("dt", {}, k), el("dd", {}, fmt(m[k]) || "—")])),
    m.row_counts ? table(["table", "rows"], Object.entries(m.row_counts)) : null,
    m.files ? el("details", {}, el("summary", {}, `${Object.keys(m.files).length} files`),
      table(["file", "bytes", "sha256"], Object.entries(m.files).map(([n, f]) => [n, f.bytes, f.sha256]))) : null));
  if (data.change_counts) {
    parts.push(el("section", {class: "panel", id: "changes"}, el("h2", {}, `Changes against ${m.previous_version || "no previous release"}`),
      table(["change", "events"], Object.entries(data.change_counts)),
      el("details", {}, el("summary", {}, "The changed events"),
        table(["event_id", "change", "version", "previous_version"], data.changes.map((c) =>
          [c.event_id, c.change, c.version, c.previous_version]), {eventLinks: true}))));
  }
  if (data.deletions) {
    parts.push(el("section", {class: "panel", id: "deletions"}, el("h2", {}, "Deletions"),
      data.deletions.length ? table(Object.keys(data.deletions[0]), data.deletions.map((d) => Object.values(d)), {eventLinks: true})
        : el("p", {class: "muted"}, "No event has been deleted.")));
  }
  const gate = data.gate;
  const gateParts = gate ? [
    el("p", {id: "gate-verdict"}, el("b", {}, gate.valid ? "Passed" : "Refused"),
      ` · ${fmt(gate.rows_checked)} rows checked · ${fmt(gate.error_count)} errors · ${fmt(gate.warning_count)} warnings · ${fmt(gate.engine)}`),
    (gate.problems || []).length ? table(["code", "table", "column", "message"], gate.problems.map((p) =>
      [p.code, p.table || p.file, p.column, p.message])) : null,
    gate.expectations ? el("details", {}, el("summary", {}, `${gate.expectations_count} expectations`),
      table(["code", "table", "columns", "description", "success", "unexpected_count"], gate.expectations.map((x) =>
        [x.code, x.table, x.columns, x.description, String(x.success), x.unexpected_count]))) : null]
    : [el("p", {class: "muted"}, "This release holds no gate report.")];
  parts.push(el("section", {class: "panel", id: "gate"}, el("h2", {}, "The gate's report"), gateParts));
  view.replaceChildren(...parts);
}

// --- the frame ---------------------------------------------------------------------------------------

async function loadMeta() {
  META = await api("meta", apiQuery());
  const pick = document.getElementById("version");
  pick.replaceChildren(...META.versions.map((v) => el("option", {value: v, selected: v === META.version ? "" : null}, v)));
  pick.onchange = () => {
    const p = params(); p.set("version", pick.value); p.delete("page");
    go(`${location.pathname}?${p.toString()}`);
  };
}

async function render() {
  const view = document.getElementById("view");
  const path = location.pathname;
  for (const [id, on] of [["nav-explore", path === "/" || path.startsWith("/event/")], ["nav-sql", path === "/sql"],
    ["nav-release", path === "/release"]]) document.getElementById(id).classList.toggle("current", on);
  showMessage(null);
  document.body.dataset.state = "loading";
  try {
    if (!META || (params().get("version") || META.default) !== META.version) await loadMeta();
    for (const a of document.querySelectorAll("header nav a")) a.href = withVersion(a.getAttribute("href").split("?")[0]);
    if (path.startsWith("/event/")) await renderEvent(view, decodeURIComponent(path.slice(7)));
    else if (path === "/sql") await renderSql(view);
    else if (path === "/release") await renderRelease(view);
    else await renderExplore(view);
  } catch (error) {
    showMessage(error && error.error ? error : {error: "The page could not be drawn: " + error, hint: "Reload the page."});
  }
  document.body.dataset.state = "ready";
}

for (const a of document.querySelectorAll("[data-nav]")) {
  a.onclick = (e) => { if (e.ctrlKey || e.metaKey) return; e.preventDefault(); go(a.getAttribute("href")); };
}
window.addEventListener("popstate", render);
render();
