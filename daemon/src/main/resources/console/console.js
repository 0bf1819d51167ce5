// haste-gateway operator console: live state over Server-Sent Events, control through the gateway's own validation.
// Every value from the gateway is written with textContent (camera ids and error messages come from untrusted clients).
"use strict";

const HISTORY_MS = 10 * 60 * 1000;
const charts = {level: [], p95_ms: [], cpu_percent: [], energy_mj: []};
let controlEnabled = false;

function $(id) { return document.getElementById(id); }

function text(id, value, missing) {
  $(id).textContent = value === null || value === undefined ? missing : String(value);
}

function fixed(v, digits) { return v === null || v === undefined ? null : Number(v).toFixed(digits); }

function row(cells, classes) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => {
    const td = document.createElement("td");
    td.textContent = c === null || c === undefined ? "—" : String(c);
    if (classes && classes[i]) { td.className = classes[i]; }
    tr.appendChild(td);
  });
  return tr;
}

// One picture per camera, kept across updates and fetched again only when the camera has a newer frame.
const thumbnails = new Map();

function thumbnail(camera, sequence) {
  let img = thumbnails.get(camera);
  if (!img) {
    img = document.createElement("img");
    img.className = "latest";
    img.alt = "latest frame";
    thumbnails.set(camera, img);
  }
  if (img.dataset.sequence !== String(sequence)) {
    img.dataset.sequence = String(sequence);
    img.src = "/cameras/" + encodeURIComponent(camera) + "/latest.jpg?frame=" + sequence;
  }
  return img;
}

function fill(tbodyId, noneId, rows) {
  const body = $(tbodyId);
  body.replaceChildren(...rows);
  $(noneId).classList.toggle("hidden", rows.length > 0);
}

function push(point) {
  for (const key of Object.keys(charts)) {
    charts[key].push({t: point.t, v: point[key]});
    while (charts[key].length && charts[key][0].t < point.t - HISTORY_MS) { charts[key].shift(); }
  }
}

function draw(key, svgId, rangeId) {
  const points = charts[key].filter(p => p.v !== null && p.v !== undefined);
  const svg = $(svgId);
  svg.replaceChildren();
  if (points.length < 2) { $(rangeId).textContent = points.length ? "" : "no data yet"; return; }
  const now = charts[key][charts[key].length - 1].t;
  // The x axis spans the history there is, from one minute up to the full ten.
  const span = Math.max(60 * 1000, Math.min(HISTORY_MS, now - charts[key][0].t));
  let min = Math.min(...points.map(p => p.v)), max = Math.max(...points.map(p => p.v));
  if (max === min) { max = min + 1; }
  const coords = points.map(p => {
    const x = 300 * (1 - (now - p.t) / span);
    const y = 76 - 72 * (p.v - min) / (max - min);
    return x.toFixed(1) + "," + y.toFixed(1);
  }).join(" ");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", coords);
  svg.appendChild(line);
  $(rangeId).textContent = min.toFixed(key === "level" ? 0 : 1) + " – " + max.toFixed(key === "level" ? 0 : 1)
      + " · last " + Math.round(span / 60000) + " min";
}

/** Seconds as the largest two units ("3 d 4 h", "5 min 2 s"). */
function duration(seconds) {
  const units = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
  const parts = [];
  let left = Math.max(0, Math.floor(seconds));
  for (const [name, size] of units) {
    if (left >= size || (name === "s" && parts.length === 0)) {
      parts.push(Math.floor(left / size) + " " + name);
      left %= size;
    }
    if (parts.length === 2) { break; }
  }
  return parts.join(" ");
}

let last = null;

function render(s) {
  last = s;
  text("model", s.model, "");
  text("version", "version " + s.version, "");
  text("uptime", "up " + duration(s.uptime_s), "");
  const mqtt = $("mqtt");
  mqtt.textContent = s.mqtt_connected ? "MQTT connected" : "MQTT disconnected";
  mqtt.className = "badge " + (s.mqtt_connected ? "up" : "down");
  text("updated", "updated " + new Date(s.t).toLocaleTimeString(), "");
  text("mode", s.control.mode, "—");
  text("level", s.control.level, "—");
  text("levels", s.control.levels - 1, "—");
  text("shed", s.control.shed_every === 1 ? "every frame served" : "1 frame in " + s.control.shed_every + ", fairly by cost", "—");
  text("reason", s.control.reason, "no decision yet");
  text("cpu", s.board.cpu_percent === null ? null : fixed(s.board.cpu_percent, 0) + " %", "not measured yet");
  text("temp", s.board.temperature_c === null ? null : fixed(s.board.temperature_c, 1) + " °C", "not available on this board");
  text("p95", s.latency.p95_ms === null ? null : fixed(s.latency.p95_ms, 1) + " ms", "no frames in the window");
  text("p50", s.latency.p50_ms === null ? null : fixed(s.latency.p50_ms, 1) + " ms", "no frames in the window");
  text("fps", s.frames_per_second === null ? null : fixed(s.frames_per_second, 1), "—");
  text("received", s.totals.received, "0");
  text("processed", s.totals.processed, "0");
  text("dropped", s.totals.dropped, "0");
  text("shed-total", s.totals.shed, "0");
  text("errors-total", s.totals.errors, "0");
  if (s.energy) {
    text("energy", fixed(s.energy.per_frame_mj, 3) + " mJ", "");
    text("energy-detail", "dense " + fixed(s.energy.dense_per_frame_mj, 3) + " mJ, saved " + fixed(s.energy.saved_percent, 1) + " %", "");
  } else {
    text("energy", "no estimate", "");
    text("energy-detail", "no frame in the last second, or no energy model for this board", "");
  }
  fill("cameras", "cameras-none", s.cameras.map(c => {
    const tr = row([c.id, c.latest ? c.latest.labels.join(", ") || "nothing" : null, fixed(c.frames_per_second, 1),
        fixed(c.dropped_per_second, 1), c.processed, c.dropped, c.shed], ["camera-id", "labels", "num", "num", "num", "num", "num"]);
    tr.dataset.camera = c.id;
    const cell = document.createElement("td");
    cell.className = "latest";
    if (c.latest) { cell.appendChild(thumbnail(c.id, c.latest.sequence)); }
    tr.insertBefore(cell, tr.children[1]);
    return tr;
  }));
  fill("plugins", "plugins-none", (s.plugins || []).map(p => row([p.id, p.origin, p.isolation || "", p.state, p.failures, p.reason],
      ["camera-id", "", "", "state-" + p.state, "num", "message"])));
  fill("errors", "errors-none", s.errors.map(e => row([new Date(e.t).toLocaleTimeString(), e.reason, e.camera_id, e.message],
      ["", "reason", "camera-id", "message"])));
  controlEnabled = s.control_enabled;
  $("readonly").classList.toggle("hidden", controlEnabled);
  // Read-only: every control is disabled and the form greyed, so nothing looks clickable.
  $("control-form").classList.toggle("readonly", !controlEnabled);
  for (const el of $("control-form").elements) { el.disabled = !controlEnabled; }
}

function redraw() {
  draw("level", "chart-level", "range-level");
  draw("p95_ms", "chart-p95", "range-p95");
  draw("cpu_percent", "chart-cpu", "range-cpu");
  draw("energy_mj", "chart-energy", "range-energy");
}

function connect() {
  const events = new EventSource("api/events");
  // Every (re)connect sends the whole history again: it replaces what the charts hold, never appends to it.
  events.addEventListener("history", e => {
    for (const key of Object.keys(charts)) { charts[key].length = 0; }
    JSON.parse(e.data).forEach(push);
    redraw();
  });
  events.addEventListener("state", e => {
    const s = JSON.parse(e.data);
    document.body.classList.remove("stale");
    render(s);
    push({t: s.t, level: s.control.level, p95_ms: s.latency.p95_ms, cpu_percent: s.board.cpu_percent,
      energy_mj: s.energy ? s.energy.per_frame_mj : null});
    redraw();
  });
  // Disconnected: the values shown are the last ones, greyed out until the gateway answers again.
  events.onerror = () => {
    const m = $("mqtt"); m.textContent = "console disconnected, retrying"; m.className = "badge down";
    document.body.classList.add("stale");
  };
}

function command() {
  const c = {};
  const mode = $("set-mode").value;
  if (mode) { c.mode = mode; }
  [["set-level", "level"], ["set-min", "min_level"], ["set-max", "max_level"]].forEach(([id, key]) => {
    if ($(id).value !== "") { c[key] = parseInt($(id).value, 10); }
  });
  if ($("set-target").value !== "") { c.latency_target_ms = parseFloat($("set-target").value); }
  return c;
}

async function apply(event) {
  event.preventDefault();
  const answer = $("answer");
  const headers = {"Content-Type": "application/json"};
  const token = $("set-token").value;
  if (token) { headers["X-Haste-Token"] = token; }
  try {
    const response = await fetch("api/control", {method: "POST", headers: headers, body: JSON.stringify(command())});
    const ack = await response.json();
    answer.className = "answer " + (ack.accepted ? "ok" : "refused");
    answer.textContent = ack.accepted ? "accepted: level " + ack.state.level + ", mode " + ack.state.settings.mode
        : "refused: " + ack.errors.join("; ");
  } catch (e) {
    answer.className = "answer refused";
    answer.textContent = "no answer: " + e;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("control-form").addEventListener("submit", apply);
  connect();
});
