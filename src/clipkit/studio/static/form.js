// What the user set for an episode (In / Out and the Make panel's fields) kept across reloads: in localStorage by the
// episode's name (a studio started again numbers its episodes anew); and the open episode in the URL's hash, so a
// reload opens it again.
import { $ } from "./dom.js";

const KEY = "clipkit-studio-form:";
const VALUES = ["in", "out", "kind", "width", "fps", "crop", "max-size", "count", "caption-style", "caption-text"];
const CHECKS = ["snap", "captions"];

// ``captionEdited``: the caption text is the user's own words (else it is the chosen line's, and not kept).
export function keepForm(ep, captionEdited) {
  if (!ep) return;
  const form = { captionEdited: Boolean(captionEdited) };
  for (const id of VALUES) form[id] = $(id).value;
  for (const id of CHECKS) form[id] = $(id).checked;
  if (!form.captionEdited) delete form["caption-text"];
  try { localStorage.setItem(KEY + ep.name, JSON.stringify(form)); } catch (e) { /* storage off or full */ }
}

// The fields as last kept for ``ep``; null (the fields left as they are) if nothing was kept.
export function restoreForm(ep) {
  let form = null;
  try { form = JSON.parse(localStorage.getItem(KEY + ep.name) || "null"); } catch (e) { return null; }
  if (!form || typeof form !== "object") return null;
  for (const id of VALUES) if (typeof form[id] === "string") $(id).value = form[id];
  for (const id of CHECKS) if (typeof form[id] === "boolean") $(id).checked = form[id];
  return form;
}

export function showInHash(ep) {
  history.replaceState(null, "", ep ? `#episode=${ep.id}` : location.pathname + location.search);
}

// The episode number the URL's hash names, or null.
export function episodeInHash() {
  const m = /^#episode=(\d{1,9})$/.exec(location.hash);
  return m ? Number(m[1]) : null;
}
