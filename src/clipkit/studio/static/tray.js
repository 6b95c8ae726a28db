// The post tray: kept by the server in post order. Drag and drop (or the ▲ ▼ buttons) reorders it; alt, title,
// credit and spoiler are edited per item; it is exported in that order or saved as a `clipkit batch` job file.
import { getJSON, postJSON } from "./api.js";
import { $, el, kb } from "./dom.js";

const tray = { items: [], dragged: null };

export async function refreshTray() {
  const { data } = await getJSON("/api/tray");
  tray.items = data.items;
  render();
}

async function save(focusJob, focusWhat, removed = []) {
  const items = tray.items.map(({ job, alt, title, credit, spoiler }) => ({ job, alt, title, credit, spoiler }));
  try {  // items made since this page last read the tray (another tab, a reload mid-job) are kept by the server
    const data = await postJSON("/api/tray", { items, removed }, "PUT");
    tray.items = data.items;
    $("jobfile-state").textContent = "";
  } catch (e) { $("jobfile-state").textContent = e.message; $("jobfile-state").className = "error"; }
  render();
  if (focusJob) {
    const target = document.querySelector(`#tray-list li[data-job="${CSS.escape(focusJob)}"] .${focusWhat}`);
    if (target) target.focus();
  }
}

function move(job, by) {
  const i = tray.items.findIndex((it) => it.job === job), j = i + by;
  if (i < 0 || j < 0 || j >= tray.items.length) return;
  const [item] = tray.items.splice(i, 1);
  tray.items.splice(j, 0, item);
  save(job, by < 0 ? "up" : "down");
}

function field(item, key, label) {
  const input = el("input");
  input.type = "text"; input.maxLength = 500; input.value = item[key] || ""; input.className = key;
  input.addEventListener("change", () => { item[key] = input.value; save(); });
  const wrap = el("label", label + " ");
  wrap.append(input);
  return wrap;
}

function button(text, cls, label, action) {
  const b = el("button", text, cls);
  b.type = "button"; b.setAttribute("aria-label", label);
  b.addEventListener("click", action);
  return b;
}

function render() {
  const ol = $("tray-list");
  ol.replaceChildren();
  tray.items.forEach((item, n) => {
    const li = el("li");
    li.draggable = true; li.dataset.job = item.job;
    const preview = el("img");
    preview.alt = ""; preview.loading = "lazy";
    preview.src = `/files/${encodeURIComponent(item.kind === "clip" ? item.name.replace(/\.[^.]+$/, ".jpg") : item.name)}`;
    const head = el("div", undefined, "item-head");
    head.append(el("strong", item.name, "name"), el("span", ` ${item.kind} · ${item.width}×${item.height} · ${kb(item.bytes)}`, "note"));
    const spoiler = el("input");
    spoiler.type = "checkbox"; spoiler.checked = !!item.spoiler; spoiler.className = "spoiler";
    spoiler.addEventListener("change", () => { item.spoiler = spoiler.checked; save(); });
    const spoilerLabel = el("label");
    spoilerLabel.append(spoiler, " Spoiler");
    const controls = el("div", undefined, "item-controls");
    const up = button("▲", "up", `Move ${item.name} up`, () => move(item.job, -1));
    const down = button("▼", "down", `Move ${item.name} down`, () => move(item.job, 1));
    up.disabled = n === 0; down.disabled = n === tray.items.length - 1;
    const remove = button("✕", "remove", `Remove ${item.name} from the post`, () => {
      tray.items = tray.items.filter((it) => it.job !== item.job); save(undefined, undefined, [item.job]);
    });
    controls.append(up, down, remove);
    const fields = el("div", undefined, "item-fields");
    fields.append(field(item, "alt", "Alt"), field(item, "title", "Title"), field(item, "credit", "Credit"), spoilerLabel);
    li.append(preview, head, controls, fields);
    li.addEventListener("dragstart", (ev) => {
      tray.dragged = item.job; li.classList.add("dragging");
      ev.dataTransfer.effectAllowed = "move"; ev.dataTransfer.setData("text/plain", item.job);
    });
    li.addEventListener("dragend", () => { li.classList.remove("dragging"); tray.dragged = null; });
    li.addEventListener("dragover", (ev) => { ev.preventDefault(); li.classList.add("drop-here"); });
    li.addEventListener("dragleave", () => li.classList.remove("drop-here"));
    li.addEventListener("drop", (ev) => {
      ev.preventDefault(); li.classList.remove("drop-here");
      const job = tray.dragged || ev.dataTransfer.getData("text/plain");
      const from = tray.items.findIndex((it) => it.job === job), to = tray.items.findIndex((it) => it.job === item.job);
      if (from < 0 || to < 0 || from === to) return;
      const [moved] = tray.items.splice(from, 1);
      tray.items.splice(to, 0, moved);
      save();
    });
    ol.append(li);
  });
  if (!tray.items.length) ol.append(el("li", "Nothing made yet.", "note"));
}

async function exportPost() {
  const query = new URLSearchParams({ format: $("export-format").value, base_url: $("export-base-url").value.trim() });
  const notes = $("export-notes");
  try {
    const { data } = await getJSON(`/api/export?${query}`);
    $("export-text").value = data.text;
    notes.className = "note";
    notes.textContent = (data.notes || []).join(" ");  // e.g. a file removed since it was made: left out
  } catch (e) {  // e.g. a Base URL that is no web address: said, and no post to copy that is not what was asked
    $("export-text").value = "";
    notes.className = "error"; notes.textContent = e.message;
  }
}

async function saveJobFile() {
  const note = $("jobfile-state");
  try {
    const data = await postJSON("/api/tray/jobfile", { title: $("post-title").value });
    note.className = "note";
    note.textContent = `Saved ${data.name}: remake the post with  ${data.command}`;
    $("jobfile-text").hidden = false; $("jobfile-text").value = data.text;
  } catch (e) { note.className = "error"; note.textContent = e.message; }
}

export function setupTray() {
  // back to this tab: the tray as it is now (another tab may have made, edited or reordered items)
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshTray(); });
  $("export").addEventListener("click", exportPost);
  $("save-jobfile").addEventListener("click", saveJobFile);
  return refreshTray();
}
