// The studio page. Every text from the server is put in the page with textContent (never innerHTML).
import { FORMATS, followJob, getJSON, postJSON } from "./api.js";

const $ = (id) => document.getElementById(id);
const state = { episode: null, lines: [], job: null, tray: [] };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function clock(s) {
  const m = Math.floor(s / 60), sec = (s - m * 60).toFixed(2).padStart(5, "0");
  return `${m}:${sec}`;
}

function fillFormats(select) {
  for (const f of FORMATS) select.append(el("option", f));
}

async function showEpisodes() {
  $("episode").hidden = true; $("episodes").hidden = false; $("back").hidden = true;
  const list = $("episode-list");
  list.replaceChildren(el("li", "Reading the episodes…", "note"));
  state.episodes = (await getJSON("/api/episodes")).data;
  list.replaceChildren();
  for (const ep of state.episodes) {
    const li = el("li");
    li.append(el("strong", ep.name));
    const facts = ep.error ? ep.error
      : `${clock(ep.duration.s)} · ${ep.width}×${ep.height} · ${ep.audio} audio · ${ep.subtitles.length} subtitle track(s)`;
    li.append(el("span", "  " + facts, "note"));
    li.dataset.id = ep.id;
    li.addEventListener("click", () => openEpisode(ep));
    list.append(li);
  }
}

async function loadProxy(id) {
  const note = $("proxy-state");
  for (let i = 0; i < 600 && state.episode && state.episode.id === id; i++) {
    const r = await fetch(`/api/episodes/${id}/proxy.mp4`, { method: "HEAD", credentials: "same-origin" });
    if (r.status === 200) {
      const v = $("video");
      v.addEventListener("loadedmetadata", () => { if ($("in").value) v.currentTime = Number($("in").value); }, { once: true });
      v.src = `/api/episodes/${id}/proxy.mp4`;
      note.textContent = "";
      return;
    }
    if (r.status !== 202) { note.textContent = "No preview video could be made."; return; }
    note.textContent = "Making the preview video…";
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

function renderLines(items, withEpisode) {
  const ul = $("lines");
  ul.replaceChildren();
  for (const line of items) {
    const li = el("li");
    const where = withEpisode ? `${line.name} ` : "";
    li.append(el("span", `${where}${clock(line.start.s)}  `, "time"));
    li.append(el("span", line.text));
    li.addEventListener("click", () => chooseLine(line, li));
    ul.append(li);
  }
  if (!items.length) ul.append(el("li", "No lines.", "note"));
}

function chooseLine(line, li) {
  if (line.episode !== undefined && line.episode !== state.episode.id) {
    // a match in another episode: open it, then set the range
    openEpisode(state.episodes[line.episode]).then(() => setRange(line.start.s, line.end.s));
    return;
  }
  for (const other of document.querySelectorAll("#lines li.chosen")) other.classList.remove("chosen");
  li.classList.add("chosen");
  setRange(line.start.s, line.end.s);
}

function setRange(a, b) {
  $("in").value = a.toFixed(3); $("out").value = b.toFixed(3);
  const v = $("video");
  if (v.src) v.currentTime = a;
}

async function openEpisode(ep) {
  state.episode = ep;
  $("episodes").hidden = true; $("episode").hidden = false; $("back").hidden = false;
  $("episode-name").textContent = ep.name;
  $("video").removeAttribute("src");
  $("shots").replaceChildren(); $("shots-state").textContent = "";
  $("result").hidden = true;
  $("search").value = "";
  const { data } = await getJSON(`/api/episodes/${ep.id}/lines`);
  state.sources = data.sources;
  const select = $("source");
  select.replaceChildren();
  data.sources.forEach((src, n) => {
    const option = el("option", `${src.subs}${src.language ? " (" + src.language + ")" : ""}`);
    option.value = String(n);
    select.append(option);
  });
  showSource();
  loadProxy(ep.id);
}

function showSource() {
  const src = state.sources[Number($("source").value || 0)];
  state.lines = src ? src.lines : [];
  state.subs = src ? src.subs : null;
  renderLines(state.lines, false);
}

async function loadShots() {
  const id = state.episode.id;
  $("shots-state").textContent = "Finding the shots (the first time takes a while)…";
  let data;
  try { ({ data } = await getJSON(`/api/episodes/${id}/shots`)); } catch (e) {
    $("shots-state").textContent = e.message; return;
  }
  if (!state.episode || state.episode.id !== id) return;
  $("shots-state").textContent = `${data.shots.length} shot(s)`;
  const ol = $("shots");
  ol.replaceChildren();
  for (const shot of data.shots) {
    const li = el("li", `#${shot.number} ${clock(shot.start.s)}–${clock(shot.end.s)}`);
    li.addEventListener("click", () => setRange(shot.start.s, shot.end.s));
    ol.append(li);
  }
}

async function search() {
  const q = $("search").value.trim();
  if (!q) { renderLines(state.lines, false); return; }
  const { data } = await getJSON(`/api/search?q=${encodeURIComponent(q)}`);
  renderLines(data, true);
}

async function make(kind) {
  const body = { kind, episode: state.episode.id, start: $("in").value, captions: $("captions").checked,
    subs: state.subs };
  if (kind === "gif") {
    Object.assign(body, { end: $("out").value, width: parseInt($("width").value, 10), fps: $("fps").value,
      snap: $("snap").checked });
  }
  $("job-state").textContent = ""; $("job-state").className = "note";
  let job;
  try { job = await postJSON("/api/jobs", body); } catch (e) { return fail(e.message); }
  state.job = job.id;
  $("progress").hidden = false; $("progress").value = 0; $("cancel").hidden = false;
  followJob(job.id, (j) => onJob(j));
}

function fail(message) {
  $("job-state").textContent = message; $("job-state").className = "error";
}

function onJob(job) {
  if (job.total) $("progress").value = job.done / job.total;
  $("job-state").textContent = job.state === "running" ? "Making…" : job.state;
  if (job.state === "failed") fail(job.error || "failed");
  if (["done", "failed", "cancelled"].includes(job.state)) { $("cancel").hidden = true; $("progress").hidden = true; }
  if (job.state === "done") showResult(job);
}

async function showResult(job) {
  const r = job.result, name = r.path.split("/").pop();
  $("result").hidden = false;
  $("result-img").src = `/files/${encodeURIComponent(name)}`;
  $("result-img").alt = (r.captions || []).join(" ");
  const facts = [`${name}`, `${r.width}×${r.height}`, `${(r.bytes / 1000).toFixed(0)} KB`];
  if (r.frame_count) facts.push(`${r.frame_count} frames`);
  if (r.duration) facts.push(`${Number(eval_fraction(r.duration)).toFixed(2)} s`);
  $("result-facts").textContent = facts.join(" · ");
  state.tray.push({ job: job.id, name });
  renderTray();
  await showSnippet();
}

function eval_fraction(text) {
  const [n, d] = String(text).split("/");
  return d ? Number(n) / Number(d) : Number(n);
}

async function showSnippet() {
  if (!state.job) return;
  const query = new URLSearchParams({ format: $("format").value, base_url: $("base-url").value.trim() });
  const { data } = await getJSON(`/api/jobs/${state.job}/snippet?${query}`);
  $("snippet").value = data.text;
}

function renderTray() {
  const ol = $("tray-list");
  ol.replaceChildren();
  for (const item of state.tray) ol.append(el("li", item.name));
}

async function exportPost() {
  const query = new URLSearchParams({ format: $("export-format").value, base_url: $("base-url").value.trim() });
  const { data } = await getJSON(`/api/export?${query}`);
  $("export-text").value = data.text;
}

function keys(ev) {
  if (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA" || $("episode").hidden) return;
  const v = $("video"), t = v.currentTime || 0, frame = 1 / (state.episode.fps || 25);
  if (ev.key === "i" || ev.key === "I") $("in").value = t.toFixed(3);
  else if (ev.key === "o" || ev.key === "O") $("out").value = t.toFixed(3);
  else if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
    v.pause();
    v.currentTime = Math.max(0, t + (ev.key === "ArrowLeft" ? -frame : frame));
    ev.preventDefault();
  } else if (ev.key === "," || ev.key === ".") {
    const out = Number($("out").value || t) + (ev.key === "," ? -frame : frame);
    $("out").value = Math.max(0, out).toFixed(3);
  }
}

async function start() {
  fillFormats($("format")); fillFormats($("export-format"));
  $("back").addEventListener("click", showEpisodes);
  $("search").addEventListener("change", search);
  $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") search(); });
  $("source").addEventListener("change", showSource);
  $("make-gif").addEventListener("click", () => make("gif"));
  $("make-still").addEventListener("click", () => make("still"));
  $("cancel").addEventListener("click", () => state.job && postJSON(`/api/jobs/${state.job}/cancel`));
  $("format").addEventListener("change", showSnippet);
  $("base-url").addEventListener("change", showSnippet);
  $("copy").addEventListener("click", () => {
    $("snippet").select();
    (navigator.clipboard ? navigator.clipboard.writeText($("snippet").value) : Promise.reject())
      .catch(() => document.execCommand("copy"));
  });
  $("export").addEventListener("click", exportPost);
  $("load-shots").addEventListener("click", loadShots);
  document.addEventListener("keydown", keys);
  await showEpisodes();
}

start().catch((e) => fail(e.message));
