// The episode's shots as a timeline of thumbnails: progress while they are found the first time,
// transitions marked, a click sets the range to the shot (shift-click widens the range to it).
import { followJob, getJSON } from "./api.js";
import { $, clock, el } from "./dom.js";

export async function loadShots(ep, isCurrent, setRange) {
  const note = $("shots-state"), bar = $("shots-progress"), ol = $("shots");
  ol.replaceChildren(); bar.hidden = true;
  note.textContent = "Finding the shots…";
  let r;
  try { r = await getJSON(`/api/episodes/${ep.id}/shots`); } catch (e) { note.textContent = e.message; return; }
  if (!isCurrent()) return;
  if (r.status === 202) {
    // the first time: a detection job; its progress streams, then the shots are asked for again
    bar.hidden = false; bar.value = 0;
    note.textContent = "Finding the shots (the first time for this episode)…";
    const job = await new Promise((done) => followJob(r.data.job.id, (j) => {
      if (j.total) { bar.value = j.done / j.total; note.textContent = `Finding the shots… ${Math.round(100 * j.done / j.total)}%`; }
      if (["done", "failed", "cancelled"].includes(j.state)) done(j);
    }));
    bar.hidden = true;
    if (!isCurrent()) return;
    if (job.state !== "done") { note.textContent = job.error || `shot detection ${job.state}`; return; }
    return loadShots(ep, isCurrent, setRange);
  }
  render(ep, r.data.shots, setRange);
  note.textContent = `${r.data.shots.length} shot(s)`;
}

// Thumbnails are asked for in timeline order, the ones in view (or about to be) first, a few at a time:
// each is a seek and a decode on the server, so the first ones on screen must not queue behind the rest.
const thumbs = { observer: null, wanted: [], busy: 0, MAX: 3 };

function want(img) {
  if (img.dataset.src && !thumbs.wanted.includes(img)) thumbs.wanted.push(img);
  pump();
}

function pump() {
  thumbs.wanted.sort((a, b) => Number(a.dataset.n) - Number(b.dataset.n));
  while (thumbs.busy < thumbs.MAX && thumbs.wanted.length) {
    const img = thumbs.wanted.shift(), src = img.dataset.src;
    if (!src || !img.isConnected) continue;
    delete img.dataset.src;
    thumbs.busy++;
    const done = () => { thumbs.busy--; pump(); };
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
    img.src = src;
  }
}

function render(ep, shots, setRange) {
  const ol = $("shots");
  ol.replaceChildren();
  if (thumbs.observer) thumbs.observer.disconnect();
  thumbs.wanted = [];
  thumbs.observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) { want(e.target); thumbs.observer.unobserve(e.target); }
  }, { root: ol, rootMargin: "0px 480px" });
  for (const shot of shots) {
    const li = el("li");
    li.className = `shot begins-${shot.begins}`;
    li.tabIndex = 0;
    li.dataset.start = shot.start.s; li.dataset.end = shot.end.s;
    li.title = `Shot ${shot.number}: ${clock(shot.start.s)}–${clock(shot.end.s)}` +
      (shot.begins === "start" ? "" : ` (begins with a ${shot.begins})`);
    if (shot.begins !== "start") li.append(el("span", shot.begins === "cut" ? "✂" : shot.begins, "transition"));
    const img = el("img");
    img.decoding = "async"; img.width = 160; img.height = 90; img.dataset.n = shot.number;
    img.alt = `Shot ${shot.number}`;
    img.dataset.src = `/api/episodes/${ep.id}/thumb.jpg?t=${encodeURIComponent(shot.thumb.exact)}`;
    thumbs.observer.observe(img);
    li.append(img, el("span", `#${shot.number} ${clock(shot.start.s)}`, "label"));
    const choose = (ev) => {
      if (ev.shiftKey && $("in").value !== "" && $("out").value !== "") {
        setRange(Math.min(Number($("in").value), shot.start.s), Math.max(Number($("out").value), shot.end.s));
      } else {
        setRange(shot.start.s, shot.end.s);
      }
      for (const other of ol.querySelectorAll("li.chosen")) other.classList.remove("chosen");
      li.classList.add("chosen");
    };
    li.addEventListener("click", choose);
    li.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); choose(ev); } });
    ol.append(li);
  }
}
