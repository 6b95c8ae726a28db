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

function render(ep, shots, setRange) {
  const ol = $("shots");
  ol.replaceChildren();
  for (const shot of shots) {
    const li = el("li");
    li.className = `shot begins-${shot.begins}`;
    li.tabIndex = 0;
    li.dataset.start = shot.start.s; li.dataset.end = shot.end.s;
    li.title = `Shot ${shot.number}: ${clock(shot.start.s)}–${clock(shot.end.s)}` +
      (shot.begins === "start" ? "" : ` (begins with a ${shot.begins})`);
    if (shot.begins !== "start") li.append(el("span", shot.begins === "cut" ? "✂" : shot.begins, "transition"));
    const img = el("img");
    img.loading = "lazy"; img.decoding = "async"; img.width = 160; img.height = 90;
    img.alt = `Shot ${shot.number}`;
    img.src = `/api/episodes/${ep.id}/thumb.jpg?t=${encodeURIComponent(shot.thumb.exact)}`;
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
