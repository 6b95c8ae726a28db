// Small DOM helpers. Text from the server goes in with textContent only (never innerHTML).
export const $ = (id) => document.getElementById(id);

export function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

export function clock(s) {
  const m = Math.floor(s / 60), sec = (s - m * 60).toFixed(2).padStart(5, "0");
  return `${m}:${sec}`;
}

export function fraction(text) {
  const [n, d] = String(text).split("/");
  return d ? Number(n) / Number(d) : Number(n);
}

export function kb(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} KB`;
}
