// The episode's player: the preview in segments through Media Source Extensions (each a small fragmented MP4 the
// server makes when first asked, placed at its episode time with timestampOffset, so video.currentTime is the
// episode's time); where MSE cannot play them, the whole-file proxy, as it is made.
import { getJSON } from "./api.js";

let open = null;  // the player of the episode on screen: { stopped }

export async function openPlayer(video, ep, note) {
  if (open) { open.stopped = true; open.cleanup(); }
  const me = { stopped: false, cleanup() {} };
  open = me;
  video.removeAttribute("src");
  video.load();
  note.textContent = "";
  let info = ep.player;  // the segments' length, count and type, from the episode list (else asked for)
  if (!info) try { info = (await getJSON(`/api/episodes/${ep.id}/segments`)).data; } catch (e) { info = null; }
  if (me.stopped) return;
  if (info && window.MediaSource && MediaSource.isTypeSupported(info.mime)) playSegments(video, ep.id, info, me, note);
  else loadProxy(video, ep.id, me, note);
}

function playSegments(video, id, info, me, note) {
  const ms = new MediaSource(), S = info.seconds;
  video.src = URL.createObjectURL(ms);
  ms.addEventListener("sourceopen", () => {
    URL.revokeObjectURL(video.src);
    ms.duration = info.duration;  // the native seek bar spans the whole episode
    const sb = ms.addSourceBuffer(info.mime);
    const done = new Set();  // segments appended (forgotten again once the browser has evicted them)
    const loading = new Map();  // segment → the AbortController of its fetch
    let chain = Promise.resolve();  // appends, one after another, in the order the segments arrive
    const has = (t) => {
      const b = sb.buffered;
      for (let i = 0; i < b.length; i++) if (b.start(i) <= t && t < b.end(i)) return true;
      return false;
    };

    const appendOnce = (data) => new Promise((ok, bad) => {
      const ended = () => { sb.removeEventListener("error", fail); ok(); };
      const fail = () => { sb.removeEventListener("updateend", ended); bad(new Error("the browser refused a segment")); };
      sb.addEventListener("updateend", ended, { once: true });
      sb.addEventListener("error", fail, { once: true });
      try { sb.appendBuffer(data); } catch (e) {
        sb.removeEventListener("updateend", ended); sb.removeEventListener("error", fail); bad(e);
      }
    });
    const removeRange = (a, b) => new Promise((ok) => {
      if (b <= a) { ok(); return; }
      sb.addEventListener("updateend", ok, { once: true });
      sb.remove(a, b);
    });
    const evict = async () => {  // the buffer is full: keep from a segment before the playhead to five after
      const n = Math.floor(video.currentTime / S), keepFrom = (n - 1) * S, keepTo = (n + 6) * S;
      await removeRange(0, Math.max(0, keepFrom));
      await removeRange(Math.min(keepTo, ms.duration), ms.duration);
    };
    const append = async (n, data) => {
      if (me.stopped || ms.readyState === "closed") return;
      sb.timestampOffset = n * S;  // the segment's times start at 0
      try { await appendOnce(data); } catch (e) {
        if (e.name !== "QuotaExceededError") throw e;
        await evict(); sb.timestampOffset = n * S; await appendOnce(data);
      }
      if (n === info.count - 1 && ms.readyState === "open" && !sb.updating) ms.endOfStream();
      done.add(n);
      if (n === Math.floor(video.currentTime / S)) want(n + 1);  // the next, before it is needed
    };
    const want = (n) => {
      if (me.stopped || n < 0 || n >= info.count || done.has(n) || loading.has(n)) return;
      const ctl = new AbortController();
      loading.set(n, ctl);
      const forget = () => { if (loading.get(n) === ctl) loading.delete(n); };
      fetch(`/api/episodes/${id}/segments/${n}.mp4`, { credentials: "same-origin", signal: ctl.signal }).then((r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return r.arrayBuffer();
      }).then((data) => {
        const step = chain.then(() => append(n, data));
        chain = step.catch(() => {});
        return step;
      }).then(() => { forget(); done.add(n); }, (e) => {
        forget();
        if (e.name !== "AbortError" && !me.stopped) note.textContent = `The preview could not load ${n * S}–${(n + 1) * S} s: ${e.message}`;
      });
    };
    const need = (ev) => {
      if (me.stopped || ms.readyState === "closed") return;
      const t = video.currentTime, n = Math.min(Math.floor(t / S), info.count - 1);
      for (const k of [...done]) if (!has(Math.min(k * S + S / 2, (k * S + info.duration) / 2))) done.delete(k);  // evicted
      if (ev && ev.type === "seeking") {  // a seek elsewhere: what was on its way for the old place is not waited for
        for (const [k, ctl] of loading) if (k !== n && k !== n + 1) { ctl.abort(); loading.delete(k); }
      }
      want(n);
      if (t - n * S > S / 3) want(n + 1);
    };
    const events = ["seeking", "timeupdate", "waiting"];
    for (const ev of events) video.addEventListener(ev, need);
    me.cleanup = () => { for (const ev of events) video.removeEventListener(ev, need); };
    need();
  }, { once: true });
}

async function loadProxy(video, id, me, note) {
  for (let i = 0; i < 600 && !me.stopped; i++) {
    const r = await fetch(`/api/episodes/${id}/proxy.mp4`, { method: "HEAD", credentials: "same-origin" });
    if (me.stopped) return;
    if (r.status === 200) {
      // A browser with no H.264 decoder (Firefox on Linux without the system's libavcodec) shows no picture and no
      // error of its own: say so, once, instead of an empty player.
      const failed = () => {
        if (!me.stopped && video.error) note.textContent = "This browser cannot play the preview (H.264 video); on Linux, " +
          "Firefox needs the system's ffmpeg libraries (libavcodec). Everything else here works.";
      };
      video.addEventListener("error", failed, { once: true });
      me.cleanup = () => video.removeEventListener("error", failed);
      video.src = `/api/episodes/${id}/proxy.mp4`;
      note.textContent = "";
      return;
    }
    if (r.status !== 202) { note.textContent = "No preview video could be made."; return; }
    note.textContent = "Making the preview video…";
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}
