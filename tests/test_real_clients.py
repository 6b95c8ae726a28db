"""Every snippet format checked in the clients that will read it, with hostile text, Japanese
text and a credit holding a URL:

- ``wordpress``: Gutenberg's own ``parse()`` + ``validateBlock()`` (``@wordpress/blocks`` with
  ``@wordpress/block-library``, under Node + jsdom): each block valid against today's ``save()``
  (no deprecation), and ``serialize()`` gives the snippet back (the editor keeps it untouched);
- ``wordpress-classic``: Gutenberg's ``rawHandler`` ("Convert to blocks", WordPress's shortcode parser);
- ``markdown``: CommonMark (cmark), GitHub-flavoured Markdown (cmark-gfm with its extensions) and marked;
- ``hugo``: the real ``hugo`` binary building a default site (raw HTML off, typographer and linkify on);
- ``bbcode`` and its dialects: two BBCode parsers, ``@bbob/parser`` (Node) and the ``bbcode`` package (Python),
  each knowing the tags a forum knows;
- the HTML formats: html5lib (the WHATWG parsing algorithm); headless Chromium is tests/test_browser.py.

The hostile texts are checked again on files whose names hold spaces, quotes, brackets, a bar,
parentheses and Japanese: every client must point at exactly that file.

What each client shows must be exactly the text given: the alt text, the caption
("title — Credit: credit"), the spoiler's label; and nothing the text holds may become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from clipkit.embed import snippet
from clipkit.settings import EmbedSettings
from embed_media import GIF_SIZE, STILL_SIZE, make_media
from real_clients import comments, elements, hugo_site, html_fragment, run_node, text_of

pytestmark = pytest.mark.slow

BASE = "https://blog.example/up/"
HOSTILE = ('1. - "><script>alert(1)</script><img src=x onerror=alert(2)> [/spoiler][url=http://evil.example]x[/url] '
           "[/caption] *bold* _u_ ~~s~~ `c` ](javascript:alert(3)) {{< /details >}} {{% x %}} & &amp; "
           "<!-- /wp:image --> -- ... 'q' \\ \\\" https://evil.example/a_b\\ www.evil.example user@evil.example # x | y")
TEXTS = {
    "hostile": {"alt": HOSTILE, "title": HOSTILE, "credit": HOSTILE, "label": HOSTILE},
    "japanese": {"alt": "台所の窓辺で振り返る健二", "title": "「知ってたんだ」と彼は言った。",
                 "credit": "フジテレビ（https://www.fujitv.co.jp/）", "label": "ネタバレ注意：第7話"},
    "url": {"alt": "Kenji (https://www.fujitv.co.jp/) at www.fujitv.co.jp, info@fujitv.co.jp",
            "title": "He knew.", "credit": "Fuji TV (https://www.fujitv.co.jp/)", "label": "Spoiler (ep. 7)"},
}
KINDS = ("gif", "still", "mp4")
HTML_FORMATS = ("html", "blogger", "ghost", "video", "picture")
BB_FORMATS = ("bbcode", "bbcode-xenforo", "bbcode-phpbb")
ZWSP = "\u200b"  # what clipkit puts after each "[" of the text: no parser sees a tag there
#: A file name as users have them: spaces, quotes, brackets, a bar, parentheses, Japanese (percent-encoded in every URL).
NAMED = 'ep 07 "q" \'s\' [1] | (a) ]x[ 日本'
TEXTS["named"] = TEXTS["hostile"]  # the hostile texts again, on files of that name


@dataclass(frozen=True)
class Case:
    id: str
    fmt: str
    kind: str
    texts: str
    spoiler: bool
    text: str  # the snippet
    url: str  # what the image (or the video link) points at

    @property
    def alt(self) -> str:
        return TEXTS[self.texts]["alt"]

    @property
    def caption(self) -> str:
        t = TEXTS[self.texts]
        return f"{t['title']} — Credit: {t['credit']}"

    @property
    def label(self) -> str:
        return TEXTS[self.texts]["label"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    folder = tmp_path_factory.mktemp("clients")
    arts = make_media(folder / "plain", stem="ep07")
    named = make_media(folder / "named", stem=NAMED)
    out = {}
    for fmt in ("wordpress", "wordpress-classic", "markdown", "hugo", *HTML_FORMATS, *BB_FORMATS):
        for kind in KINDS:
            for texts, t in TEXTS.items():
                media, stem = (named, NAMED) if texts == "named" else (arts, "ep07")
                for spoiler in (False, True):
                    text = snippet(media[kind], fmt, base_url=BASE, alt=t["alt"], title=t["title"], credit=t["credit"],
                                   spoiler=spoiler, settings=EmbedSettings(spoiler_label=t["label"]))
                    cid = f"{fmt}-{kind}-{texts}-{'spoiler' if spoiler else 'open'}"
                    name = f"{stem}.mp4" if kind == "mp4" else f"{stem} still.png" if kind == "still" else f"{stem}.gif"
                    out[cid] = Case(cid, fmt, kind, texts, spoiler, text, BASE + quote(name, safe=""))
    return out


def of(cases: dict[str, Case], fmt: str) -> list[Case]:
    return [c for c in cases.values() if c.fmt == fmt]


def clip_snippets() -> dict[str, str]:
    """``clipkit clip`` outputs (a video with sound and its poster; an audio clip) as WordPress blocks."""
    from pathlib import Path

    from clipkit.artifact import Artifact

    poster = Artifact(Path("ep07 clip.jpg"), "poster", 320, 180, 1000)
    clips = {"clip": Artifact(Path("ep07 clip.mp4"), "clip", 320, 180, 100000, siblings=(poster,)),
             "audio": Artifact(Path("ep07 clip.m4a"), "audio", 0, 0, 100000)}
    out = {}
    for kind, art in clips.items():
        for texts, t in TEXTS.items():
            for spoiler in (False, True):
                out[f"clip-wordpress-{kind}-{texts}-{'spoiler' if spoiler else 'open'}"] = snippet(
                    art, "wordpress", base_url=BASE, alt=t["alt"], title=t["title"], credit=t["credit"],
                    spoiler=spoiler, settings=EmbedSettings(spoiler_label=t["label"]))
    return out


@pytest.fixture(scope="module")
def node_results(cases) -> dict:
    return run_node({
        "wordpress": [{"id": c.id, "text": c.text} for c in of(cases, "wordpress")]
        + [{"id": cid, "text": text} for cid, text in clip_snippets().items()],
        "classic": [{"id": c.id, "text": c.text} for c in of(cases, "wordpress-classic") if not c.spoiler],
        "marked": [{"id": c.id, "text": c.text} for c in of(cases, "markdown")],
        "bbcode": [{"id": c.id, "text": c.text} for f in BB_FORMATS for c in of(cases, f)],
    })


def rich_text(html: str) -> str:
    """What a reader sees of a rich-text attribute (an HTML string)."""
    return text_of(html_fragment(html))


# ---------------------------------------------------------------- WordPress (Gutenberg)

def _flatten(blocks: list[dict]) -> list[dict]:
    out = []
    for b in blocks:
        out.append(b)
        out += _flatten(b["innerBlocks"])
    return out


def test_wordpress_blocks_are_valid_in_gutenberg_and_keep_the_text(cases, node_results):
    problems = []
    for c in of(cases, "wordpress"):
        r = node_results[c.id]
        blocks = _flatten(r["blocks"])
        names = [b["name"] for b in blocks]
        media = "core/video" if c.kind == "mp4" else "core/image"
        want_names = (["core/details"] if c.spoiler else []) + [media]
        if names != want_names:
            problems.append(f"{c.id}: blocks {names}, wanted {want_names}")
            continue
        for b in blocks:
            if not b["valid"]:
                problems.append(f"{c.id}: {b['name']} is not what today's save() writes: {b['issues'][:1]}")
        if r["serialized"] != c.text:
            problems.append(f"{c.id}: the editor would rewrite the snippet:\n  {c.text!r}\n  {r['serialized']!r}")
        a = blocks[-1]["attributes"]
        if c.kind == "mp4":
            got = {"src": a.get("src"), "caption": rich_text(a.get("caption", ""))}
            want = {"src": c.url, "caption": c.caption}
        else:
            got = {"url": a.get("url"), "alt": a.get("alt"), "caption": rich_text(a.get("caption", "")),
                   "width": a.get("width"), "aspectRatio": a.get("aspectRatio")}
            w, h = STILL_SIZE if c.kind == "still" else GIF_SIZE
            # The editor's escapeAttribute() leaves an entity-like "&amp;" as it is, so typed "&amp;"
            # reads as "&" in a block's attribute (it cannot keep it either); all else is exact.
            want = {"url": c.url, "alt": c.alt.replace("&amp;", "&"), "caption": c.caption, "width": f"{w}px", "aspectRatio": "16/9"}
        if c.spoiler:
            got["summary"] = rich_text(blocks[0]["attributes"].get("summary", ""))
            want["summary"] = c.label
        if got != want:
            problems.append(f"{c.id}: {got} != {want}")
    assert not problems, "\n".join(problems)


def test_wordpress_clip_blocks_are_valid_in_gutenberg(node_results):
    problems = []
    for cid, text in clip_snippets().items():
        r = node_results[cid]
        for b in _flatten(r["blocks"]):
            if not b["valid"] or b["name"] == "core/freeform":
                problems.append(f"{cid}: {b['name']} {b['issues'][:1]}")
        if r["serialized"] != text:
            problems.append(f"{cid}: the editor would rewrite the snippet:\n  {text!r}\n  {r['serialized']!r}")
    assert not problems, "\n".join(problems)


def test_wordpress_classic_shortcodes_hold_the_text(cases, node_results):
    """WordPress's shortcode parser finds exactly the one [caption] or [video]; "Convert to blocks"
    makes the image block from the [caption] with the same text.  (It leaves a [video] that opens
    the content as text in a paragraph, as for any such shortcode; WordPress still renders it.)"""
    problems = []
    for c in of(cases, "wordpress-classic"):
        if c.spoiler:
            continue
        r = node_results[c.id]
        codes = [(s["tag"], s["attrs"].get("src")) for s in r["shortcodes"]]
        if c.kind == "mp4":
            body = c.text.split("\n", 1)[1]
            root = html_fragment(body)
            got = (codes, [text_of(p) for p in elements(root, "p")])
            if got != ([("video", c.url)], [c.caption]):
                problems.append(f"{c.id}: {got}")
            continue
        if codes != [("caption", None)]:
            problems.append(f"{c.id}: shortcodes {codes}")
        blocks = r["blocks"]
        a = blocks[0]["attributes"] if blocks else {}
        got = ([b["name"] for b in blocks], a.get("url"), a.get("alt"), rich_text(a.get("caption", "")))
        if got != (["core/image"], c.url, c.alt, c.caption):
            problems.append(f"{c.id}: {got}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- Markdown: CommonMark, GFM, marked

def _markdown_clients(cases, node_results):
    from real_clients import cmark

    cm = cmark()
    unsafe = cm.Options.CMARK_OPT_UNSAFE  # GitHub renders raw HTML, then keeps what its allow-list permits (details, summary)
    for c in of(cases, "markdown"):
        yield "commonmark", c, cm.markdown_to_html(c.text, options=unsafe)
        yield "gfm", c, cm.github_flavored_markdown_to_html(c.text, options=unsafe)
        yield "marked", c, node_results[c.id]["html"]


def check_markdown_like(client: str, c: Case, html: str) -> list[str]:
    """The rendered page holds the image (or the video link) with its alt text, the caption in
    italics, the spoiler's label: each exactly as typed, and no other element."""
    root = html_fragment(html)
    if client == "gfm":
        # cmark-gfm links e-mail addresses after it has resolved escapes and entities, so
        # nothing can stop it; the link reads exactly as typed, and is the only one allowed.
        for a in elements(root, "a"):
            if a.get("href") == "mailto:" + text_of(a) and "@" in text_of(a):
                a.tag = "span"
    tags = [e.tag for e in elements(root)][1:]
    allowed = {"p", "em", "img", "span", "a" if c.kind == "mp4" else "img"} | ({"details", "summary"} if c.spoiler else set())
    problems = [f"{client} {c.id}: {t} in {html!r}" for t in sorted(set(tags) - allowed)]
    if comments(root):
        problems.append(f"{client} {c.id}: parts were dropped: {comments(root)}")
    if c.kind == "mp4":
        links = elements(root, "a")
        got = [(a.get("href"), text_of(a)) for a in links]
        if got != [(c.url, f"▶ {c.alt} (MP4)")]:
            problems.append(f"{client} {c.id}: links {got}")
    else:
        imgs = [(i.get("src"), i.get("alt")) for i in elements(root, "img")]
        if imgs != [(c.url, c.alt)]:
            problems.append(f"{client} {c.id}: images {imgs}, wanted {[(c.url, c.alt)]}")
        if elements(root, "a"):
            problems.append(f"{client} {c.id}: a link appeared: {[text_of(a) for a in elements(root, 'a')]}")
    ems = [text_of(e) for e in elements(root, "em")]
    if ems != [c.caption]:
        problems.append(f"{client} {c.id}: caption {ems}\n   wanted {[c.caption]}")
    if c.spoiler:
        details = elements(root, "details")
        summary = [text_of(s) for s in elements(root, "summary")]
        inside = details and elements(details[0], "a" if c.kind == "mp4" else "img")
        if summary != [c.label] or not inside:
            problems.append(f"{client} {c.id}: spoiler label {summary}, media inside: {bool(inside)}")
    return problems


def test_markdown_reads_as_typed_in_commonmark_gfm_and_marked(cases, node_results):
    problems = []
    for client, c, html in _markdown_clients(cases, node_results):
        problems += check_markdown_like(client, c, html)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- Hugo

def test_hugo_default_site_shows_every_image_and_text_as_typed(cases, tmp_path_factory):
    hugo = of(cases, "hugo")
    pages = hugo_site(tmp_path_factory.mktemp("hugo"), {f"p{i}": c.text for i, c in enumerate(hugo)})
    problems = []
    for i, c in enumerate(hugo):
        html = pages[f"p{i}"]
        root = html_fragment(html)
        if comments(root):
            problems.append(f"hugo {c.id}: parts were dropped: {comments(root)}")
            continue
        if c.kind == "mp4" or c.spoiler:
            # a Markdown image (or link) and an italic caption, as the markdown format
            problems += check_markdown_like("hugo", c, html)
            continue
        imgs = elements(root, "img")
        w, h = STILL_SIZE if c.kind == "still" else GIF_SIZE
        got = [(i.get("src"), i.get("alt"), i.get("width"), i.get("height")) for i in imgs]
        alt = c.alt
        if "`" in alt and '"' in alt:  # Hugo has no way to write a backslash in such a parameter (see embed/hugo.py)
            alt = alt.replace("\\", "\u29f5")
        if got != [(c.url, alt, str(w), str(h))]:
            problems.append(f"hugo {c.id}: images {got}")
        captions = [text_of(f).strip() for f in elements(root, "figcaption")]
        if captions != [c.caption]:
            problems.append(f"hugo {c.id}: caption {captions}\n   wanted {[c.caption]}")
        extra = {e.tag for e in elements(root)[1:]} - {"figure", "img", "figcaption", "p"}
        if extra:
            problems.append(f"hugo {c.id}: elements {extra}")
    assert not problems, "\n".join(problems)


def test_hugo_spoiler_shows_a_clip_poster_linking_to_the_clip(tmp_path):
    from pathlib import Path

    from clipkit.artifact import Artifact

    poster = Artifact(Path("ep07 clip.jpg"), "poster", 320, 180, 1000)
    clip = Artifact(Path("ep07 clip.mp4"), "clip", 320, 180, 100000, siblings=(poster,))
    t = TEXTS["url"]
    text = snippet(clip, "hugo", base_url=BASE, alt=t["alt"], title=t["title"], credit=t["credit"], spoiler=True)
    root = html_fragment(hugo_site(tmp_path, {"clip": text})["clip"])
    assert not comments(root), comments(root)  # nothing dropped
    links = [(a.get("href"), [(i.get("src"), i.get("alt")) for i in elements(a, "img")]) for a in elements(root, "a")]
    assert links == [(BASE + "ep07%20clip.mp4", [(BASE + "ep07%20clip.jpg", "▶ " + t["alt"])])]
    assert [text_of(e) for e in elements(root, "em")] == [f"{t['title']} — Credit: {t['credit']}"]
    assert elements(elements(root, "details")[0], "img")


# ---------------------------------------------------------------- HTML formats (html5lib)

@pytest.mark.parametrize("fmt", HTML_FORMATS)
def test_html_formats_parse_to_the_text_given(cases, fmt):
    problems = []
    for c in of(cases, fmt):
        root = html_fragment(c.text)
        for e in elements(root)[1:]:
            if any(k.startswith("on") for k in e.attrib) or e.tag in ("script", "iframe", "object", "embed", "style"):
                problems.append(f"{c.id}: {e.tag} {e.attrib}")
        alts = [i.get("alt") for i in elements(root, "img")] + [v.get("aria-label") for v in elements(root, "video")]
        if not alts or any(a != c.alt for a in alts):
            problems.append(f"{c.id}: alt {alts}")
        captions = [text_of(e) for e in elements(root) if e.tag == "figcaption" or "tr-caption" in (e.get("class") or "").split()]
        if fmt == "blogger" and c.kind == "mp4":
            captions = [text_of(e) for e in elements(root, "i")]
        if captions != [c.caption]:
            problems.append(f"{c.id}: caption {captions}")
        if c.spoiler and [text_of(s) for s in elements(root, "summary")] != [c.label]:
            problems.append(f"{c.id}: label {[text_of(s) for s in elements(root, 'summary')]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- BBCode: @bbob/parser and the bbcode package

def _bb_walk(nodes, stack, tags: list, text: dict, attrs: dict) -> None:
    for n in nodes:
        if isinstance(n, str):
            for t in stack:
                text[t] = text.get(t, "") + n
            continue
        tag = n["tag"].lower()
        tags.append(tag)
        attrs[tag] = n.get("attrs") or {}
        _bb_walk(n.get("content") or [], [*stack, tag], tags, text, attrs)


def bb_expected_tags(c: Case) -> list[str]:
    return (["spoiler"] if c.spoiler else []) + (["url"] if c.kind == "mp4" else ["img"]) + ["i"]


def bbob_reads(text: str) -> str:
    """What @bbob/parser shows of plain text: a bracket it does not know as a tag keeps only its
    name (``[url=x]`` → ``[url]``, its own limit: no character can stop it reading a bracket as
    a tag, and clipkit's zero-width space makes the name one no forum knows)."""
    return re.sub(r"\[([^\]\s=]+)=[^\]]*\]", r"[\1]", text)


def test_bbcode_parses_to_the_forum_tags_and_the_text_given(cases, node_results):
    problems = []
    for fmt in BB_FORMATS:
        for c in of(cases, fmt):
            tags, text, attrs = [], {}, {}
            _bb_walk(node_results[c.id]["ast"], [], tags, text, attrs)
            if tags != bb_expected_tags(c):
                problems.append(f"@bbob {c.id}: tags {tags}")
                continue
            if c.kind == "mp4":
                got = (list(attrs["url"].values()), text["url"].replace(ZWSP, ""))
                want = ([c.url], bbob_reads(f"{c.alt} (MP4)"))
            else:
                got, want = text["img"], c.url
            if got != want:
                problems.append(f"@bbob {c.id}: {got!r} != {want!r}")
            if text["i"].replace(ZWSP, "") != bbob_reads(c.caption):
                problems.append(f"@bbob {c.id}: caption {text['i']!r}")
    assert not problems, "\n".join(problems)


def test_bbcode_renders_as_given_in_a_python_forum_parser(cases):
    try:
        import bbcode
    except ImportError:
        pytest.skip("the bbcode package is not installed: pip install -e .[test]")
    # Its default tags (b, i, u, s, url, quote, code, list…) and links made from bare URLs, as a
    # forum has them, plus [img] and [spoiler]; no "cosmetic" replacements (-- → –), which forums leave off.
    parser = bbcode.Parser(replace_cosmetic=False)
    parser.add_simple_formatter("img", '<img src="%(value)s">', replace_links=False, render_embedded=False)
    parser.add_simple_formatter("spoiler", "<details>%(value)s</details>")
    for _render, options in parser.recognized_tags.values():
        options.replace_cosmetic = False
    problems = []
    for fmt in BB_FORMATS:
        for c in of(cases, fmt):
            root = html_fragment(parser.format(c.text))
            imgs = [i.get("src") for i in elements(root, "img")]
            links = [(a.get("href"), text_of(a)) for a in elements(root, "a")]
            if c.kind != "mp4" and imgs != [c.url]:
                problems.append(f"bbcode {c.id}: images {imgs}")
            if c.kind == "mp4" and links[:1] != [(c.url, f"{c.alt} (MP4)".replace(ZWSP, ""))] and \
                    (links[:1] and links[0][1].replace(ZWSP, "")) != f"{c.alt} (MP4)":
                problems.append(f"bbcode {c.id}: link {links[:1]}")
            if any((h or "").lower().startswith(("javascript:", "data:")) for h, _ in links):
                problems.append(f"bbcode {c.id}: a script link {links}")
            ems = [text_of(e).replace(ZWSP, "") for e in elements(root, "em")]
            if ems != [c.caption]:
                problems.append(f"bbcode {c.id}: caption {ems}\n   wanted {[c.caption]}")
            if len(elements(root, "details")) != int(c.spoiler):
                problems.append(f"bbcode {c.id}: {len(elements(root, 'details'))} spoilers")
    assert not problems, "\n".join(problems)
