// The studio page: episodes, an episode (player, shots, dialogue), and the Make panel and post tray (make.js, tray.js).
// Every text from the server is put in the page with textContent (never innerHTML).
import { FORMATS, getJSON } from "./api.js";
import { $, clock, el } from "./dom.js";
import { episodeInHash, restoreForm, showInHash } from "./form.js";
import { captionFromLine, clearResult, estimateSoon, formRestored, resumeJob, setupMake, showSnippet } from "./make.js";
import { loadShots } from "./timeline.js";
import { openPlayer } from "./player.js";
import { setupTray } from "./tray.js";

const state = { episode: null, lines: [], tray: [] };

function fillFormats(select) {
  for (const f of FORMATS) select.append(el("option", f));
}

async function showEpisodes() {
  state.episode = null;
  showInHash(null);
  $("episode").hidden = true; $("episodes").hidden = false; $("back").hidden = true;
  const list = $("episode-list");
  list.replaceChildren(el("li", "Reading the episodes…", "note"));
  state.episodes = (await getJSON("/api/episodes")).data;
  list.replaceChildren();
  for (const ep of state.episodes) {
    const li = el("li");
    li.tabIndex = 0;
    if (!ep.error) {
      const poster = el("img", undefined, "poster");
      poster.loading = "lazy"; poster.alt = ""; poster.width = 240; poster.height = 135;
      poster.src = `/api/episodes/${ep.id}/poster.jpg`;
      li.append(poster);
    }
    const text = el("div");
    text.append(el("strong", ep.name));
    const facts = ep.error ? ep.error
      : `${clock(ep.duration.s)} · ${ep.width}×${ep.height} · ${ep.audio} audio · ${ep.subtitles.length} subtitle track(s)`
        + ` · ${ep.subtitle_files.length} subtitle file(s)`;  // (the episode's own tracks, and the files beside it)
    text.append(el("div", facts, "note"));
    li.append(text);
    li.dataset.id = ep.id;
    if (ep.error) {  // nothing to play, find or make from: its reason is shown, it does not open
      li.classList.add("unreadable"); li.setAttribute("aria-disabled", "true"); li.tabIndex = -1;
    } else {
      li.addEventListener("click", () => openEpisode(ep));
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") openEpisode(ep); });
    }
    list.append(li);
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
    // a match in another episode: open it, then set the range (and the track the line was found in)
    openEpisode(state.episodes[line.episode]).then(() => {
      if (useSource(line.subs)) showSource();
      setRange(line.start.s, line.end.s); captionFromLine(line.text);
    });
    return;
  }
  for (const other of document.querySelectorAll("#lines li.chosen")) other.classList.remove("chosen");
  li.classList.add("chosen");
  useSource(line.subs);  // a line found by search: captioned from its own track, not the one listed before
  setRange(line.start.s, line.end.s);
  captionFromLine(line.text);
}

// The episode's subtitle source ``subs`` (as the search names it) chosen, if it is one of them; true if it is.
function useSource(subs) {
  const n = subs ? (state.sources || []).findIndex((src) => src.subs === subs) : -1;
  if (n < 0) return false;
  $("source").value = String(n);
  state.lines = state.sources[n].lines; state.subs = subs;
  return true;
}

function setRange(a, b) {
  $("in").value = a.toFixed(3); $("out").value = b.toFixed(3);
  const v = $("video");
  if (v.src) v.currentTime = a;
  estimateSoon();
}

async function openEpisode(ep) {
  state.episode = ep;
  showInHash(ep);
  const kept = restoreForm(ep);  // what the user last set for this episode, before anything keeps the fields anew
  if (kept) { formRestored(kept); estimateSoon(); }
  $("episodes").hidden = true; $("episode").hidden = false; $("back").hidden = false;
  $("episode-name").textContent = ep.name;
  clearResult();
  $("search").value = "";
  const v = $("video");
  v.addEventListener("loadedmetadata", () => { if ($("in").value) v.currentTime = Number($("in").value); }, { once: true });
  openPlayer(v, ep, $("proxy-state"));
  loadShots(ep, () => state.episode && state.episode.id === ep.id, setRange);
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
}

function showSource() {
  const src = state.sources[Number($("source").value || 0)];
  state.lines = src ? src.lines : [];
  state.subs = src ? src.subs : null;
  renderLines(state.lines, false);
}

async function search() {
  const q = $("search").value.trim();
  if (!q) { renderLines(state.lines, false); return; }
  const { data } = await getJSON(`/api/search?q=${encodeURIComponent(q)}`);
  renderLines(data, true);
}

// One Base URL for a made file's snippet and for the post's export (a field beside each: the made file's is shown only
// with a result, and the export used it unseen), kept across reloads of the page.
const BASE_URL_KEY = "clipkit-studio-base-url";

function setupBaseUrl() {
  const fields = [$("base-url"), $("export-base-url")];
  let saved = "";
  try { saved = localStorage.getItem(BASE_URL_KEY) || ""; } catch (e) { /* storage off: the fields still agree */ }
  for (const field of fields) {
    field.value = saved;
    field.addEventListener("input", () => {
      for (const other of fields) if (other !== field) other.value = field.value;
      try { localStorage.setItem(BASE_URL_KEY, field.value.trim()); } catch (e) { /* storage off */ }
    });
  }
  $("export-base-url").addEventListener("change", showSnippet);  // the made file's snippet follows it too
}

function keys(ev) {
  const tag = ev.target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || $("episode").hidden || !state.episode) return;
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
  } else if (ev.key === "<" || ev.key === ">") {  // shift + , / . : the in point
    const inPoint = Number($("in").value || t) + (ev.key === "<" ? -frame : frame);
    $("in").value = Math.max(0, inPoint).toFixed(3);
  } else return;
  estimateSoon();
}

async function start() {
  const reopen = episodeInHash();  // a reload of an episode's view: that episode again (unless a running job's opened)
  fillFormats($("format")); fillFormats($("export-format"));
  $("back").addEventListener("click", showEpisodes);
  $("search").addEventListener("change", search);
  $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") search(); });
  $("source").addEventListener("change", showSource);
  document.addEventListener("keydown", keys);
  setupBaseUrl();
  setupMake(state);
  await Promise.all([showEpisodes(), setupTray()]);
  await resumeJob((n) => openEpisode(state.episodes[n]));
  const ep = reopen === null || state.episode ? null : state.episodes[reopen];
  if (ep && !ep.error) await openEpisode(ep);
}

start().catch((e) => { $("job-state").textContent = e.message; $("job-state").className = "error"; });
