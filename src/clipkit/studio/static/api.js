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

const FINISHED = ["done", "failed", "cancelled"];

// The job's states as Server-Sent Events until it is finished.  If the stream breaks (a busy or sleeping machine,
// a proxy that cuts long responses), the job is read every half second instead, so the page never waits on a job
// that has long finished; it stops when the job is finished or the server no longer knows it.
export function followJob(id, onState) {
  const url = `/api/jobs/${encodeURIComponent(id)}`;
  let finished = false;
  const seen = (job) => { finished = FINISHED.includes(job.state); onState(job); };
  const es = new EventSource(`${url}/events`);
  es.onmessage = (ev) => {
    seen(JSON.parse(ev.data));
    if (finished) es.close();
  };
  es.onerror = async () => {
    es.close();
    let last = "", failures = 0;
    while (!finished) {
      await new Promise((r) => setTimeout(r, 500));
      let r;
      try { r = await fetch(url, { credentials: "same-origin" }); failures = 0; } catch (e) {
        if (++failures < 120) continue;  // the server may be back within a minute
        return onState({ id, state: "failed", error: "the studio stopped answering: start it again and reload the page" });
      }
      if (r.status === 404) return;
      const text = await r.text();
      if (r.ok && text !== last) { last = text; seen(JSON.parse(text)); }
    }
  };
  return es;
}

export const FORMATS = ["html", "markdown", "wordpress", "wordpress-classic", "bbcode", "bbcode-xenforo",
  "bbcode-phpbb", "blogger", "ghost", "hugo", "video", "picture"];
