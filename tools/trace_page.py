"""tools/trace_page.py - the self-contained HTML page tools/trace.py
writes (build/trace.html): the per-hart timeline drawn by inline script
from the model it is given (zoom with the wheel, pan by dragging, a
colour and legend per process, details on hover, each process's CPU
share), with no network or CDN. trace.py's write_html fills it in.
"""

PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Kite trace</title>
<style>
body { font: 14px sans-serif; margin: 12px; color: #222; }
#wrap { position: relative; }
canvas { border: 1px solid #bbb; cursor: grab; display: block; }
#tip { position: absolute; display: none; background: #ffffe8;
       border: 1px solid #999; padding: 4px 6px; font-size: 12px;
       pointer-events: none; white-space: pre; }
#legend span.item { margin-right: 14px; display: inline-block; }
.sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
      vertical-align: middle; border: 1px solid #666; }
table { border-collapse: collapse; margin-top: 10px; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
</style></head>
<body>
<h2>Kite: what ran on each hart</h2>
<p>@HARTS@ harts, @SPAN@ ms, @LOST@ records lost. Wheel: zoom; drag: pan;
double-click: everything. Slices: a thread running (colour: its process);
ticks below a lane: faults (red), system calls (grey), marks (black),
process events (blue); lines: wakeups (from the waker to the wakee's
next run).</p>
<div id="legend"></div>
<div id="wrap"><canvas id="tl" width="1200" height="200"></canvas>
<div id="tip"></div></div>
<h3>CPU share</h3>
<table id="shares"><tr><th>process</th><th>CPU ms</th><th>share of all
harts</th></tr>
@ROWS@
</table>
<script>
"use strict";
window.onerror = function (msg) {
  document.body.dataset.errors = (document.body.dataset.errors || "") + msg;
};
const D = @DATA@;
const cv = document.getElementById("tl"), ctx = cv.getContext("2d");
const tip = document.getElementById("tip");
const LANE = 46, TOP = 24, LEFT = 60;
let v0 = 0, v1 = Math.max(D.span, 1e-3);
const KIND = { fault: "#d62728", syscall: "#888888", mark: "#000000",
               signal: "#ff00ff", swapin: "#8c564b", swapout: "#8c564b" };
function kindColour(k) { return KIND[k] || "#1f4fbf"; }
function lane(h) { return D.harts.indexOf(h); }
function x(t) { return LEFT + (t - v0) * (cv.width - LEFT - 10) / (v1 - v0); }
function tAt(px) { return v0 + (px - LEFT) * (v1 - v0) / (cv.width - LEFT - 10); }
function resize() {
  cv.width = Math.max(600, window.innerWidth - 40);
  cv.height = TOP + LANE * D.harts.length + 10;
}
function draw() {
  ctx.clearRect(0, 0, cv.width, cv.height);
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#222";
  const step = niceStep((v1 - v0) / 8);
  for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
    ctx.fillRect(x(t), TOP - 4, 1, 4);
    ctx.fillText(fmt(t), x(t) + 2, TOP - 8);
  }
  let drawn = 0;
  D.harts.forEach(function (h, i) {
    const y = TOP + i * LANE;
    ctx.fillStyle = "#222";
    ctx.fillText("hart " + h, 4, y + LANE / 2);
    ctx.fillStyle = "#f4f4f4";
    ctx.fillRect(LEFT, y + 2, cv.width - LEFT - 10, LANE - 14);
  });
  ctx.save();
  ctx.beginPath();
  ctx.rect(LEFT, 0, cv.width - LEFT - 10, cv.height);
  ctx.clip();
  for (const s of D.slices) {
    if (s[2] < v0 || s[1] > v1) continue;
    const y = TOP + lane(s[0]) * LANE;
    const x0 = x(s[1]), w = Math.max(1, x(s[2]) - x0);
    ctx.fillStyle = D.procs[s[3]].colour;
    ctx.fillRect(x0, y + 2, w, LANE - 14);
    if (w > 40) {
      ctx.fillStyle = "#fff";
      ctx.fillText(s[6] + " " + s[5], x0 + 3, y + 16);
    }
    drawn++;
  }
  for (const e of D.instants) {
    if (e[1] < v0 || e[1] > v1) continue;
    const y = TOP + lane(e[0]) * LANE + LANE - 12;
    ctx.fillStyle = kindColour(e[2]);
    ctx.fillRect(x(e[1]), y, 1, 8);
  }
  ctx.strokeStyle = "rgba(0,0,0,0.55)";
  for (const f of D.flows) {
    if (Math.max(f[1], f[3]) < v0 || Math.min(f[1], f[3]) > v1) continue;
    ctx.beginPath();
    ctx.moveTo(x(f[1]), TOP + lane(f[0]) * LANE + LANE / 2);
    ctx.lineTo(x(f[3]), TOP + lane(f[2]) * LANE + 4);
    ctx.stroke();
  }
  ctx.restore();
  document.body.dataset.lanes = D.harts.length;
  document.body.dataset.slicesDrawn = drawn;
}
function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
function fmt(us) {
  return us >= 1000 ? (us / 1000).toFixed(3) + " ms" : us.toFixed(1) + " us";
}
function legend() {
  const el = document.getElementById("legend");
  for (const p of D.procs) {
    const item = document.createElement("span");
    item.className = "item";
    const sw = document.createElement("span");
    sw.className = "sw";
    sw.style.background = p.colour;
    item.appendChild(sw);
    item.appendChild(document.createTextNode(p.label));
    el.appendChild(item);
  }
}
function hit(mx, my) {
  const i = Math.floor((my - TOP) / LANE);
  if (i < 0 || i >= D.harts.length) return null;
  const h = D.harts[i], t = tAt(mx), tol = 3 * (v1 - v0) / cv.width;
  if (my - TOP - i * LANE > LANE - 14) {
    for (const e of D.instants)
      if (e[0] === h && Math.abs(e[1] - t) <= tol)
        return e[3] + "\nat " + fmt(e[1]);
  }
  for (const s of D.slices)
    if (s[0] === h && s[1] <= t && t < s[2])
      return D.procs[s[3]].label + "\nthread " + s[5] + " (" + s[6] + ")" +
        "\nfrom " + fmt(s[1]) + " for " + fmt(s[2] - s[1]) +
        "\nthen: " + s[7];
  return null;
}
let drag = null;
cv.addEventListener("mousedown", function (ev) {
  drag = { x: ev.offsetX, v0: v0, v1: v1 };
});
window.addEventListener("mouseup", function () { drag = null; });
cv.addEventListener("mousemove", function (ev) {
  if (drag) {
    const dt = (ev.offsetX - drag.x) * (drag.v1 - drag.v0) / (cv.width - LEFT - 10);
    v0 = drag.v0 - dt; v1 = drag.v1 - dt;
    draw();
    return;
  }
  const text = hit(ev.offsetX, ev.offsetY);
  tip.style.display = text ? "block" : "none";
  if (text) {
    tip.textContent = text;
    tip.style.left = (ev.offsetX + 12) + "px";
    tip.style.top = (ev.offsetY + 12) + "px";
  }
});
cv.addEventListener("mouseleave", function () { tip.style.display = "none"; });
cv.addEventListener("wheel", function (ev) {
  ev.preventDefault();
  const t = tAt(ev.offsetX), k = ev.deltaY < 0 ? 1 / 1.25 : 1.25;
  v0 = t - (t - v0) * k; v1 = t + (v1 - t) * k;
  draw();
}, { passive: false });
cv.addEventListener("dblclick", function () {
  v0 = 0; v1 = Math.max(D.span, 1e-3); draw();
});
window.addEventListener("resize", function () { resize(); draw(); });
legend();
resize();
draw();
</script>
</body></html>
"""
