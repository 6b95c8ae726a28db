// Runs clipkit's snippets through the real clients, all cases in one process (loading the block
// library takes seconds).  Reads {"wordpress": [{id, text}], "classic": [...], "marked": [...]} as
// JSON on stdin; writes {id: result} as JSON on stdout.  Used by tests/test_real_clients.py.
//
//  wordpress: Gutenberg's parse() + validateBlock() (core/image, core/video, core/details as the
//             block library saves them today, no deprecation), and serialize(): the editor would
//             save the same text back.
//  classic:   the shortcodes WordPress's own parser (@wordpress/shortcode) finds, and the content
//             converted to blocks by rawHandler() ("Convert to blocks").
//  marked:    marked.parse() with its defaults (GitHub-flavoured Markdown).
//  bbcode:    @bbob/parser's tree, with the tags a forum knows.
'use strict';
const path = require('path');
const { JSDOM } = require('jsdom');

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url: 'https://example.org/', pretendToBeVisual: true });
const win = dom.window;
for (const key of Object.getOwnPropertyNames(win)) {
  if (!(key in globalThis)) { try { globalThis[key] = win[key]; } catch (e) { /* read-only */ } }
}
globalThis.window = win;
globalThis.document = win.document;
win.matchMedia = globalThis.matchMedia = () => ({ matches: false, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {} });

const quiet = () => { const saved = { ...console }; for (const k of ['log', 'info', 'warn', 'error', 'debug', 'group', 'groupCollapsed', 'groupEnd']) console[k] = () => {}; return () => Object.assign(console, saved); };

function text(input) { return JSON.parse(input || '{}'); }

function plain(value) {
  // Attribute values as JSON: rich text (captions) as its HTML string.
  return JSON.parse(JSON.stringify(value, (k, v) => (v && typeof v.toHTMLString === 'function' ? v.toHTMLString() : v)));
}

function message(entry) {
  const args = [...(entry.args || [])];
  let fmt = String(args.shift() ?? '');
  fmt = fmt.replace(/%[so]/g, () => { const a = args.shift(); return typeof a === 'string' ? a : (a && a.name) || JSON.stringify(a); });
  return fmt.slice(0, 2000);
}

function describe(blocks, api) {
  return blocks.map((b) => {
    const [valid, log] = api.validateBlock(b);
    return { name: b.name, parsedValid: b.isValid, valid, issues: valid ? [] : log.map(message), attributes: plain(b.attributes), innerBlocks: describe(b.innerBlocks || [], api) };
  });
}

function main() {
  const cases = text(require('fs').readFileSync(0, 'utf8'));
  const out = {};
  const restore = quiet();
  try {
    const needWp = (cases.wordpress || []).length || (cases.classic || []).length;
    if (needWp) {
      const api = require('@wordpress/blocks');
      // Only the blocks the snippets use (loading the whole library costs many seconds more).
      for (const name of ['paragraph', 'image', 'video', 'audio', 'details', 'freeform', 'html', 'shortcode']) {
        require(path.join(__dirname, 'node_modules/@wordpress/block-library/build', name, 'index.cjs')).init();
      }
      api.setFreeformContentHandlerName && api.setFreeformContentHandlerName('core/freeform');
      for (const c of cases.wordpress || []) {
        const blocks = api.parse(c.text);
        out[c.id] = { blocks: describe(blocks, api), serialized: api.serialize(blocks) };
      }
      const shortcode = require('@wordpress/shortcode');
      for (const c of cases.classic || []) {
        const blocks = api.rawHandler({ HTML: c.text });
        // Every shortcode WordPress's own parser finds (core's tags, and those a forum or spoiler plugin adds).
        const found = [];
        for (const tag of ['caption', 'video', 'audio', 'gallery', 'embed', 'playlist', 'spoiler', 'url', 'img']) {
          let at = 0, m;
          while ((m = shortcode.next(tag, c.text, at))) {
            found.push({ tag, index: m.index, attrs: m.shortcode.attrs.named, content: m.shortcode.content || '' });
            at = m.index + m.content.length;
          }
        }
        out[c.id] = { blocks: describe(blocks, api), shortcodes: found };
      }
    }
    if ((cases.bbcode || []).length) {
      // A forum parses only the tags it knows (anything else in brackets is text).
      const { parse } = require('@bbob/parser');
      const known = ['b', 'i', 'u', 's', 'url', 'img', 'quote', 'code', 'spoiler', 'list', '*', 'color', 'size'];
      const onlyAllowTags = [...known, ...known.map((t) => t.toUpperCase())];
      for (const c of cases.bbcode) out[c.id] = { ast: parse(c.text, { onlyAllowTags }) };
    }
    if ((cases.marked || []).length) {
      const { marked } = require('marked');
      for (const c of cases.marked) out[c.id] = { html: marked.parse(c.text) };
    }
  } finally {
    restore();
  }
  process.stdout.write(JSON.stringify(out));
}

main();
