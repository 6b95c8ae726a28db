// The Make panel: the request for clipkit.gif / clip / still / strip, the live size estimate, progress, the result.
import { followJob, getJSON, postJSON } from "./api.js";
import { $, el, fraction, kb } from "./dom.js";
import { keepForm } from "./form.js";
import { refreshTray } from "./tray.js";

const panel = { job: null, running: false, captionEdited: false, timer: null, state: null, snippet: null, asked: 0,
  estimates: 0 };

function request() {
  const state = panel.state, kind = $("kind").value;
  const b = { kind, episode: state.episode.id, start: $("in").value, captions: $("captions").checked,
    subs: state.subs, caption_style: $("caption-style").value };
  const width = parseInt($("width").value, 10);
  if (width) b.width = width;
  const text = $("caption-text").value.trim();
  if (panel.captionEdited && text) b.caption = text;  // the user's own words instead of the dialogue
  if (kind !== "still") b.end = $("out").value;
  if (kind === "strip" && (b.start === "" || b.end === "")) { delete b.start; delete b.end; }
  if (kind === "gif") b.fps = $("fps").value;
  if (kind === "gif" || kind === "clip") {
    b.snap = $("snap").checked;
    if ($("crop").value.trim()) b.crop = $("crop").value.trim();
  }
  if (kind !== "still" && $("max-size").value.trim()) b.max_size = $("max-size").value.trim();
  if (kind === "strip") b.count = parseInt($("count").value, 10) || undefined;
  return b;
}

// The fields as they are now, kept for this episode (a reload shows them again).
function keep() {
  keepForm(panel.state && panel.state.episode, panel.captionEdited);
}

// Shown while the settings change: how big the file will be (computed on the server, nothing encoded but a clip's
// preview segments of the range, which the player would make to play it).  The settings
// are kept for the episode too.
export function estimateSoon() {
  keep();
  clearTimeout(panel.timer);
  panel.timer = setTimeout(estimate, 250);
}

async function estimate() {
  const out = $("estimate");
  const kind = $("kind").value;
  for (const id of ["fps"]) $(id).disabled = kind !== "gif";
  $("crop").disabled = !["gif", "clip"].includes(kind);
  $("count").disabled = kind !== "strip";
  $("max-size").disabled = kind === "still";
  for (const id of ["captions", "caption-style", "caption-text"]) $(id).disabled = kind === "strip";  // a strip has no captions
  if (!panel.state || !panel.state.episode || !["gif", "clip"].includes(kind) || $("in").value === "" || $("out").value === "") {
    panel.estimates++; out.textContent = ""; delete out.dataset.bytes; return;
  }
  let e;
  const mine = ++panel.estimates;  // a clip's first estimate of a range waits for its preview segments (a second or
  const current = () => mine === panel.estimates;   // more): an answer to settings changed since is not shown
  try { e = await postJSON("/api/estimate", request()); } catch (err) {
    if (current()) { out.textContent = err.message; out.className = "error"; delete out.dataset.bytes; }
    return;
  }
  if (!current()) return;
  out.className = "note";
  let verdict = "";
  if (e.max_size) {
    verdict = e.fits ? ` — fits ${kb(e.max_size)}`
      : ` — over ${kb(e.max_size)}: it will be fitted (${kind === "gif" ? "fewer colours, frames or pixels" : "a lower bitrate"})`;
  }
  out.textContent = `About ${kb(e.bytes)}${verdict}. Estimate: ${e.how}.`;
  out.dataset.bytes = e.bytes;
}

export function captionFromLine(text) {
  $("caption-text").value = text || "";
  panel.captionEdited = false;
  keep();
}

// The fields kept for an episode are back (form.js): its caption text is the user's own if it was then.
export function formRestored(form) {
  panel.captionEdited = Boolean(form && form.captionEdited);
}

function fail(message) {
  $("job-state").textContent = message; $("job-state").className = "error";
}

// A new job, or another episode opened: the last job's result and state go (under "Making…" or "cancelled" the
// last GIF and its snippet read as this job's).  A job still being made keeps its progress and Cancel.
export function clearResult() {
  $("result").hidden = true;
  if (!panel.running) { $("job-state").textContent = ""; $("job-state").className = "note"; }
}

async function make() {
  panel.running = false;
  clearResult();
  let job;
  try { job = await postJSON("/api/jobs", request()); } catch (e) { return fail(e.message); }
  follow(job);
}

function follow(job) {
  panel.job = job.id; panel.running = true;
  $("progress").hidden = false; $("progress").value = job.total ? job.done / job.total : 0; $("cancel").hidden = false;
  followJob(job.id, onJob);
}

function onJob(job) {
  if (job.id !== panel.job) return;  // (a job followed before another was made)
  panel.running = !["done", "failed", "cancelled"].includes(job.state);
  if (job.total) $("progress").value = job.done / job.total;
  $("job-state").textContent = job.state === "running" ? "Making…" : job.state;
  if (job.state === "failed") fail(job.error || "failed");
  if (["done", "failed", "cancelled"].includes(job.state)) { $("cancel").hidden = true; $("progress").hidden = true; }
  if (job.state === "done") showResult(job);
}

async function showResult(job) {
  const r = job.result, name = r.path.split("/").pop(), url = `/files/${encodeURIComponent(name)}`;
  const isVideo = /\.(mp4|webm)$/i.test(name);
  $("result").hidden = false;
  $("result-img").hidden = isVideo; $("result-video").hidden = !isVideo;
  if (isVideo) $("result-video").src = url; else $("result-img").src = url;
  $("result-img").alt = (r.captions || []).join(" ");
  const facts = [`${name}`, `${r.width}×${r.height}`, kb(r.bytes)];
  if (r.frame_count) facts.push(`${r.frame_count} frames`);
  if (r.duration) facts.push(`${fraction(r.duration).toFixed(2)} s`);
  if ($("estimate").dataset.bytes) facts.push(`estimated ${kb(Number($("estimate").dataset.bytes))}`);
  $("result-facts").textContent = facts.join(" · ");
  // what the CLI prints beside the file (crop found, upscaled, sound missing, fitted to the size…)
  $("result-notes").replaceChildren(...(job.notes || []).map((n) => el("li", n)));
  await Promise.all([showSnippet(), refreshTray()]);
}

// The snippet for the format and Base URL as they are now; Copy waits for the one asked last (a Base URL typed and
// Copy clicked at once: the field's change comes as the click begins, and the snippet shown was still the old one).
export function showSnippet() {
  panel.snippet = loadSnippet(++panel.asked);
  return panel.snippet;
}

async function loadSnippet(asked) {
  if (!panel.job) return;
  const query = new URLSearchParams({ format: $("format").value, base_url: $("base-url").value.trim() });
  let data;
  try { ({ data } = await getJSON(`/api/jobs/${panel.job}/snippet?${query}`)); } catch (e) {
    if (asked !== panel.asked) return;
    // e.g. a Base URL that is no web address: said, and the snippet made without it is not left to be copied
    $("snippet").value = ""; $("snippet-note").textContent = e.message; $("snippet-note").className = "error";
    return;
  }
  if (asked !== panel.asked) return;  // a newer one was asked for meanwhile
  $("snippet").value = data.text;
  $("snippet-note").textContent = (data.notes || []).join(" "); $("snippet-note").className = "note";
}

export function setupMake(state) {
  panel.state = state;
  $("make").addEventListener("click", make);
  $("cancel").addEventListener("click", () => panel.job && postJSON(`/api/jobs/${panel.job}/cancel`));
  $("caption-text").addEventListener("input", () => { panel.captionEdited = true; keep(); });
  for (const id of ["snap", "captions", "caption-style"]) $(id).addEventListener("change", keep);
  for (const id of ["kind", "width", "fps", "crop", "max-size", "in", "out", "count"]) {
    $(id).addEventListener("input", estimateSoon);
    $(id).addEventListener("change", estimateSoon);
  }
  $("format").addEventListener("change", showSnippet);
  $("base-url").addEventListener("change", showSnippet);
  $("copy").addEventListener("click", async () => {
    await (panel.snippet || Promise.resolve()).catch(() => {});
    if (!$("snippet").value) return;  // no snippet (its Base URL was refused: the note says why)
    $("snippet").select();
    const copied = await (navigator.clipboard ? navigator.clipboard.writeText($("snippet").value) : Promise.reject())
      .then(() => true, () => document.execCommand("copy"));
    if (!copied) { $("snippet-note").textContent = "Not copied (the browser refused): the snippet is selected, press Ctrl+C."; return; }
    $("copy").textContent = "Copied";
    setTimeout(() => { $("copy").textContent = "Copy"; }, 2000);
  });
  estimateSoon();
}

// After a reload (or in a second tab) while a job is still being made: its episode opened again (the page came back
// on the list of episodes, where the job's progress and Cancel are not), and the job followed (progress, Cancel,
// result).  ``open(n)`` opens episode n.
export async function resumeJob(open) {
  let jobs;
  try { ({ data: jobs } = await getJSON("/api/jobs")); } catch (e) { return; }
  const running = jobs.filter((j) => ["gif", "clip", "still", "strip"].includes(j.kind) && ["queued", "running"].includes(j.state));
  if (!running.length || panel.job) return;
  const job = running[running.length - 1];
  if (Number.isInteger(job.episode) && !(panel.state.episode && panel.state.episode.id === job.episode)) await open(job.episode);
  if (panel.job) return;  // (a Make meanwhile)
  follow(job);
}
