// Calls to the studio's JSON API (same origin; the HttpOnly cookie carries the token).
export async function getJSON(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  const data = await r.json().catch(() => ({}));
  if (!r.ok && r.status !== 202) throw new Error(data.error || `HTTP ${r.status}`);
  return { status: r.status, data };
}

export async function postJSON(url, body, method = "POST") {
  const r = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error || `HTTP ${r.status}`);
  return data;
}

// The job's states as Server-Sent Events until it is finished.
export function followJob(id, onState) {
  const es = new EventSource(`/api/jobs/${encodeURIComponent(id)}/events`);
  es.onmessage = (ev) => {
    const job = JSON.parse(ev.data);
    onState(job);
    if (["done", "failed", "cancelled"].includes(job.state)) es.close();
  };
  es.onerror = () => es.close();
  return es;
}

export const FORMATS = ["html", "markdown", "wordpress", "wordpress-classic", "bbcode", "bbcode-xenforo",
  "bbcode-phpbb", "blogger", "ghost", "hugo", "video", "picture"];
