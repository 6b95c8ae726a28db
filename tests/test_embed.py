"""Embed snippets: every format on real files, parsed back with real parsers; escaping; URLs.

HTML is parsed with the standard library's HTML parser, Markdown is rendered
by markdown-it (CommonMark) and parsed again, BBCode and shortcodes are
tokenised the way forum and Hugo parsers find tags.
"""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from clipkit.embed import FORMATS, HTML_FORMATS, snippet, url_for
from clipkit.errors import UsageError
from clipkit.settings import EmbedSettings
from embed_media import GIF_SIZE, STILL_SIZE, STRIP_SIZE, make_media

BASE = "https://blog.example/wp content/2026/ä/"
BASE_ENC = "https://blog.example/wp%20content/2026/%C3%A4/"
STEM_ENC = "ep07%20it%27s%20%26%20%C3%A4%20%231"
HOSTILE = ('"><script>alert(1)</script><img src=x onerror=alert(2)> [/spoiler][url=http://evil.example]x[/url] '
           "*bold* ](javascript:alert(3)) {{< /details >}} & <!-- /wp:image --> \\")


@pytest.fixture(scope="module")
def arts(tmp_path_factory):
    return make_media(tmp_path_factory.mktemp("embed"))


class Tree(HTMLParser):
    """Start tags with their attributes, and the text inside each kind of element."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self.comments: list[str] = []
        self._open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("img", "source", "br"):
            self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data):
        if self._open:
            self.text[self._open[-1]] = self.text.get(self._open[-1], "") + data

    def handle_comment(self, data):
        self.comments.append(data)

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]

    def first(self, tag: str) -> dict:
        return next(a for t, a in self.tags if t == tag)


def assert_inert(tree: Tree, allowed: set[str]) -> None:
    assert set(tree.names()) <= allowed, tree.names()
    for tag, attrs in tree.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        for k in ("src", "href", "poster", "srcset"):
            assert not (attrs.get(k) or "").lower().startswith(("javascript:", "data:")), attrs


# ---------------------------------------------------------------- every format, every kind

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["gif", "still", "strip", "mp4", "webp"])
def test_every_format_names_the_file_by_its_url(arts, fmt, kind):
    text = snippet(arts[kind], fmt, base_url=BASE)
    name = STEM_ENC + {"gif": ".gif", "still": "%20still.png", "strip": "%20strip.png", "mp4": ".mp4", "webp": ".webp"}[kind]
    wanted = BASE_ENC + name
    if fmt == "video" and kind == "gif":
        wanted = BASE_ENC + STEM_ENC + ".mp4"
    assert wanted in text.replace("&amp;", "&")
    for url in re.findall(r'(?:src|href|poster|srcset)="([^"]*)"', text):
        assert " " not in url and all(ord(c) < 128 for c in url), url


@pytest.mark.parametrize("fmt", ["html", "picture", "ghost", "blogger"])
@pytest.mark.parametrize("kind", ["gif", "still", "strip"])
def test_html_images_declare_their_size_and_alt(arts, fmt, kind):
    art = arts[kind]
    tree = Tree(snippet(art, fmt, base_url=BASE, alt="A man turns away"))
    img = tree.first("img")
    assert (int(img["width"]), int(img["height"])) == (art.width, art.height) == {"gif": GIF_SIZE, "still": STILL_SIZE, "strip": STRIP_SIZE}[kind]
    assert img["alt"] == "A man turns away"
    assert img["src"].startswith(BASE_ENC) and "srcset" not in img
    if fmt in ("html", "picture"):
        assert img["loading"] == "lazy" and img["decoding"] == "async"


def test_html_figure_has_the_caption_and_credit(arts):
    tree = Tree(snippet(arts["still"], "html", title="He knew.", credit="Fuji TV"))
    assert tree.names() == ["figure", "img", "figcaption"]
    assert tree.text["figcaption"] == "He knew. — Credit: Fuji TV"


def test_picture_offers_the_webp_and_falls_back_to_the_gif(arts):
    tree = Tree(snippet(arts["gif"], "picture", base_url=BASE))
    assert tree.names() == ["picture", "source", "img"]
    assert tree.first("source") == {"srcset": BASE_ENC + STEM_ENC + ".webp", "type": "image/webp"}
    assert tree.first("img")["src"] == BASE_ENC + STEM_ENC + ".gif"


def test_video_format_plays_the_mp4_inline_and_links_the_gif(arts):
    tree = Tree(snippet(arts["gif"], "video", base_url=BASE))
    assert tree.names() == ["video", "source", "a"]
    video = tree.first("video")
    for flag in ("autoplay", "loop", "muted", "playsinline"):
        assert flag in video and video[flag] is None
    assert "controls" not in video  # a 1.2 s loop needs no pause button (WCAG 2.2.2 is about > 5 s)
    assert (int(video["width"]), int(video["height"])) == GIF_SIZE
    assert tree.first("source") == {"src": BASE_ENC + STEM_ENC + ".mp4", "type": "video/mp4"}
    assert tree.first("a")["href"] == BASE_ENC + STEM_ENC + ".gif"


def test_a_loop_longer_than_five_seconds_gets_controls(arts):
    long_clip = arts["gif"].with_(duration=Fraction(6), siblings=(arts["mp4"].with_(duration=Fraction(6)),))
    assert "controls" in Tree(snippet(long_clip, "video")).first("video")
    never = EmbedSettings(video_controls="never")
    assert "controls" not in Tree(snippet(long_clip, "video", settings=never)).first("video")


def test_video_and_picture_fall_back_to_the_figure_without_siblings(arts):
    lone = arts["gif"].with_(siblings=())
    assert snippet(lone, "video") == snippet(lone, "html") == snippet(lone, "picture")
    assert snippet(arts["still"], "video", title="t") == snippet(arts["still"], "html", title="t")


# ---------------------------------------------------------------- WordPress: the editor's serialisation

def test_wordpress_image_block_is_the_editors_serialisation(arts):
    text = snippet(arts["still"], "wordpress", base_url="https://blog.example/wp-content/uploads/2026/11/",
                   alt="Kenji at the window", title="He knew.", credit="Fuji TV")
    name = STEM_ENC + "%20still.png"
    assert text == (
        '<!-- wp:image {"width":"320px","aspectRatio":"16/9","sizeSlug":"full","linkDestination":"none"} -->\n'
        '<figure class="wp-block-image size-full is-resized"><img src="https://blog.example/wp-content/uploads/2026/11/'
        + name + '" alt="Kenji at the window" style="aspect-ratio:16/9;width:320px;height:auto"/>'
        '<figcaption class="wp-element-caption">He knew. — Credit: Fuji TV</figcaption></figure>\n'
        "<!-- /wp:image -->"
    )


def test_wordpress_image_block_without_caption_and_odd_ratio(arts):
    text = snippet(arts["strip"], "wordpress", base_url="/up/", alt="")
    assert text == (
        '<!-- wp:image {"width":"600px","aspectRatio":"5/1","sizeSlug":"full","linkDestination":"none"} -->\n'
        f'<figure class="wp-block-image size-full is-resized"><img src="/up/{STEM_ENC}%20strip.png" alt="" '
        'style="aspect-ratio:5/1;width:600px;height:auto"/></figure>\n'
        "<!-- /wp:image -->"
    )


def test_wordpress_video_block_is_the_editors_serialisation(arts):
    text = snippet(arts["mp4"], "wordpress", base_url="/up/", title="Run!")
    assert text == (
        "<!-- wp:video -->\n"
        f'<figure class="wp-block-video"><video autoplay loop muted src="/up/{STEM_ENC}.mp4" playsinline></video>'
        '<figcaption class="wp-element-caption">Run!</figcaption></figure>\n'
        "<!-- /wp:video -->"
    )


def test_wordpress_spoiler_is_a_details_block(arts):
    text = snippet(arts["still"], "wordpress", base_url="/up/", spoiler=True)
    assert text.startswith('<!-- wp:details -->\n<details class="wp-block-details"><summary>Spoiler</summary><!-- wp:image {')
    assert text.endswith("<!-- /wp:image --></details>\n<!-- /wp:details -->")


def test_wordpress_classic_shortcodes(arts):
    text = snippet(arts["still"], "wordpress-classic", base_url="/up/", alt="a", title="He knew.")
    assert text == (f'[caption id="" align="aligncenter" width="320"]<img class="size-full" src="/up/{STEM_ENC}%20still.png" '
                    'alt="a" width="320" height="180" /> He knew.[/caption]')
    video = snippet(arts["mp4"], "wordpress-classic", base_url="/up/")
    assert video == f'[video src="/up/{STEM_ENC}.mp4" width="160" height="90" loop="on" autoplay="on" muted="on" preload="auto"][/video]'


# ---------------------------------------------------------------- hostile text is inert everywhere

def test_hostile_text_is_inert_in_html_formats(arts):
    for fmt in HTML_FORMATS:
        for kind in ("gif", "still", "mp4"):
            text = snippet(arts[kind], fmt, alt=HOSTILE, title=HOSTILE, credit=HOSTILE, spoiler=True)
            tree = Tree(text)
            assert_inert(tree, {"details", "summary", "figure", "figcaption", "img", "video", "source", "a", "picture",
                                "div", "table", "tbody", "tr", "td", "i"})
            caption_el = {"blogger": "td" if kind != "mp4" else "i"}.get(fmt, "figcaption")
            clean = HOSTILE.replace("  ", " ")
            assert clean in tree.text[caption_el], (fmt, kind, tree.text)
            for tag in ("img", "video"):
                for t, a in tree.tags:
                    if t == tag and "alt" in a:
                        assert a["alt"] == clean
            if fmt == "wordpress":
                delimiters = re.findall(r"<!-- /?wp:[a-z/-]+", text)
                assert delimiters == ["<!-- wp:details", "<!-- wp:" + ("video" if kind == "mp4" else "image"),
                                      "<!-- /wp:" + ("video" if kind == "mp4" else "image"), "<!-- /wp:details"]


def test_hostile_text_is_inert_in_wordpress_classic(arts):
    text = snippet(arts["still"], "wordpress-classic", alt=HOSTILE, title=HOSTILE, spoiler=True)
    assert re.findall(r"\[(/?[a-z]+)", text) == ["caption", "/caption"]
    tree = Tree(text)
    assert_inert(tree, {"details", "summary", "img"})
    assert tree.first("img")["alt"] == HOSTILE  # brackets as &#91; &#93;: text to HTML, nothing to the shortcode parser


BB_TAG = re.compile(r"\[(/?)([a-z*]+)(?:[= ][^\]]*)?\]", re.IGNORECASE)


@pytest.mark.parametrize("fmt, spoiler_tag", [("bbcode", "spoiler"), ("bbcode-xenforo", "SPOILER"), ("bbcode-phpbb", "spoiler")])
def test_hostile_text_is_inert_in_bbcode(arts, fmt, spoiler_tag):
    text = snippet(arts["gif"], fmt, base_url=BASE, title=HOSTILE, spoiler=True, settings=EmbedSettings(spoiler_label='x"] [b]y'))
    tags = [m.group(1) + m.group(2).lower() for m in BB_TAG.finditer(text)]
    assert tags == ["spoiler", "img", "/img", "i", "/i", "/spoiler"]
    assert text.startswith(f"[{spoiler_tag}")
    assert HOSTILE in text.replace("\u200b", "")
    assert f"{BASE_ENC}{STEM_ENC}.gif" in text


def test_bbcode_dialects_spoiler_forms(arts):
    label = EmbedSettings(spoiler_label="Ep 7")
    assert snippet(arts["still"], "bbcode-xenforo", spoiler=True, settings=label).startswith('[SPOILER="Ep 7"]\n[IMG]')
    assert snippet(arts["still"], "bbcode-phpbb", spoiler=True, settings=label).startswith("[spoiler title=Ep 7]\n[img]")
    assert snippet(arts["still"], "bbcode", dialect="xenforo", spoiler=True, settings=label).startswith('[SPOILER="Ep 7"]')
    assert snippet(arts["still"], "bbcode", spoiler=True, settings=label).startswith("[spoiler]\n[img]")


def render_markdown(text: str) -> Tree:
    return Tree(MarkdownIt("commonmark").render(text))


def test_markdown_renders_to_the_image_and_literal_caption(arts):
    tree = render_markdown(snippet(arts["still"], "markdown", base_url=BASE, alt=HOSTILE, title=HOSTILE))
    assert_inert(tree, {"p", "img", "em"})
    img = tree.first("img")
    assert img["src"] == BASE_ENC + STEM_ENC + "%20still.png"
    assert img["alt"] == HOSTILE
    assert tree.text["em"] == HOSTILE


def test_markdown_video_is_a_link(arts):
    tree = render_markdown(snippet(arts["mp4"], "markdown", base_url=BASE, alt="Run (fast)"))
    assert tree.names() == ["p", "a"]
    assert tree.first("a")["href"] == BASE_ENC + STEM_ENC + ".mp4"
    assert tree.text["a"] == "▶ Run (fast) (MP4)"


_HUGO_VALUE = r'(?:"(?:[^"\\]|\\.)*"|`[^`]*`)'
_HUGO_CODE = re.compile(r"\{\{<\s*(/?[\w-]+)((?:\s+\w+=" + _HUGO_VALUE + r")*)\s*>\}\}")


def hugo_shortcodes(text: str) -> list[tuple[str, dict]]:
    """Shortcodes as Hugo's lexer reads them: name, then key="value" pairs where \\" is an escaped
    quote, or key=`raw` strings taken as written.  (The real Hugo runs in tests/test_real_clients.py.)"""
    out = []
    for m in _HUGO_CODE.finditer(text):
        params = {}
        for k, v in re.findall(r"(\w+)=(" + _HUGO_VALUE + ")", m.group(2)):
            params[k] = v[1:-1] if v[0] == "`" else v[1:-1].replace('\\"', '"')
        out.append((m.group(1), params))
    assert _HUGO_CODE.sub("", text).strip() == "", text
    return out


def test_hugo_figure_shortcode_params_are_whole_and_inert(arts):
    text = snippet(arts["still"], "hugo", base_url=BASE, alt=HOSTILE, title=HOSTILE)
    codes = hugo_shortcodes(text)
    assert [c[0] for c in codes] == ["figure"]
    fig = codes[0][1]
    assert set(fig) == {"src", "alt", "width", "height", "loading", "caption"}
    assert fig["src"] == BASE_ENC + STEM_ENC + "%20still.png"
    assert (fig["width"], fig["height"]) == ("320", "180")
    assert fig["alt"] == HOSTILE  # a raw `…` string: Hugo takes it as written
    caption = render_markdown(fig["caption"])  # Hugo markdownifies the caption
    assert_inert(caption, {"p"})
    assert caption.text["p"] == HOSTILE


def test_hugo_spoiler_holds_markdown_not_a_figure(arts):
    # Hugo's details shortcode renders its inside as Markdown, where a figure's HTML would be dropped.
    text = snippet(arts["still"], "hugo", base_url="/up/", alt="a", title="He knew.", spoiler=True)
    assert text == ('{{< details summary="Spoiler" >}}\n'
                    f"![a](/up/{STEM_ENC}%20still.png)\n\n*He knew.*\n"
                    "{{< /details >}}")


def test_hugo_video_is_a_link(arts):
    assert "{{<" not in snippet(arts["mp4"], "hugo")


# ---------------------------------------------------------------- URLs, alt text, errors

def test_urls_are_percent_encoded(arts, tmp_path, monkeypatch):
    monkeypatch.chdir(arts["gif"].path.parent.parent)
    rel = url_for(arts["gif"].path)
    assert rel == f"{arts['gif'].path.parent.name}/{STEM_ENC}.gif"
    assert url_for(arts["gif"].path, "https://x.example/a b/ü") == f"https://x.example/a%20b/%C3%BC/{STEM_ENC}.gif"
    assert url_for(arts["gif"].path, "https://x.example/ok%20already/") == f"https://x.example/ok%20already/{STEM_ENC}.gif"
    assert url_for(arts["gif"].path, "https://x.example/100%/[x]") == f"https://x.example/100%25/%5Bx%5D/{STEM_ENC}.gif"


@pytest.mark.parametrize("bad", ["javascript:alert(1)//", "data:text/html,<b>", "ftp://x.example/", "//cdn.example/", "https://",
                                 "https://x.example/a b/ü?", "https://x.example/u/#top"])  # the name went after ?/#
def test_bad_base_urls_are_refused(arts, bad):
    with pytest.raises(UsageError) as err:
        snippet(arts["gif"], "html", base_url=bad)
    assert err.value.hint


def test_unknown_format_and_dialect_are_refused(arts):
    with pytest.raises(UsageError, match="unknown embed format"):
        snippet(arts["gif"], "myspace")
    with pytest.raises(UsageError, match="dialect"):
        snippet(arts["gif"], "bbcode", dialect="vbulletin")


def test_default_alt_is_the_dialogue_trimmed(arts):
    assert Tree(snippet(arts["gif"], "html")).first("img")["alt"] == "He knew. / Of course he knew."
    talky = arts["gif"].with_(captions=("word " * 60,), siblings=())
    alt = Tree(snippet(talky, "html")).first("img")["alt"]
    assert alt.endswith("…") and len(alt) <= 125 and not alt[:-1].endswith(" ")
    silent = arts["gif"].with_(captions=())
    assert Tree(snippet(silent, "html")).first("img")["alt"] == "GIF from ep07 at 12:30–12:31.2"
    assert Tree(snippet(arts["strip"], "html")).first("img")["alt"] == "Thumbnail strip from ep07"
    sheet = arts["strip"].with_(frame_count=16, start=Fraction(42, 10), end=Fraction(5599, 100))
    # times as clipkit shows them everywhere (format_time), not cut to whole seconds (was "0:04 to 0:55")
    assert Tree(snippet(sheet, "html")).first("img")["alt"] == "16 frames of ep07, 0:04.2 to 0:55.99"


@pytest.mark.parametrize("caption, alt", [
    ("天文台で。\n星を数えていた。", "天文台で。星を数えていた。"),  # Japanese: no space where the line broke
    ("我们走吧，\n现在就走。", "我们走吧，现在就走。"),  # Chinese
    ("ｶﾀｶﾅ\nﾃﾞｽ", "ｶﾀｶﾅﾃﾞｽ"),  # half-width katakana
    ("彼はNASAに\nいた。", "彼はNASAにいた。"),
    ("At the observatory.\nCounting stars.", "At the observatory. Counting stars."),  # Latin: one space
    ("안녕하세요\n반갑습니다", "안녕하세요 반갑습니다"),  # Korean is written with spaces between words
    ("OK\n行こう", "OK 行こう"),
])
def test_the_alt_text_joins_a_captions_lines_as_its_script_is_written(arts, caption, alt):
    """A two-line Japanese subtitle gave the alt text "天文台で。 星を数えていた。": a space Japanese and Chinese
    are not written with."""
    art = arts["gif"].with_(captions=(caption, "次の行。"))
    assert Tree(snippet(art, "html")).first("img")["alt"] == f"{alt} / 次の行。"


def test_control_and_bidi_characters_are_removed(arts):
    alt = Tree(snippet(arts["still"], "html", alt="gif\u202e\u200bfdp.exe\x07 two\nlines")).first("img")["alt"]
    assert alt == "giffdp.exe two lines"


def test_several_artifacts_share_one_spoiler(arts):
    text = snippet([arts["gif"], arts["still"]], "html", spoiler=True)
    tree = Tree(text)
    assert tree.names().count("details") == 1 and tree.names().count("img") == 2


def test_format_none_prints_nothing_and_preset_format_is_used(arts):
    assert snippet(arts["gif"], "none") == ""
    assert snippet(arts["gif"], settings=replace(EmbedSettings(), format="markdown")).startswith("![")


def test_blogger_uses_its_separator_and_caption_table(arts):
    plain = Tree(snippet(arts["still"], "blogger", base_url="/up/"))
    assert plain.names() == ["div", "a", "img"] and plain.first("div")["class"] == "separator"
    assert plain.first("a")["href"] == plain.first("img")["src"] == f"/up/{STEM_ENC}%20still.png"
    captioned = Tree(snippet(arts["still"], "blogger", base_url="/up/", title="He knew."))
    assert captioned.names() == ["table", "tbody", "tr", "td", "a", "img", "tr", "td"]
    assert captioned.first("table")["class"] == "tr-caption-container"
    assert [a.get("class") for t, a in captioned.tags if t == "td"] == [None, "tr-caption"]
    assert captioned.text["td"] == "He knew."


def test_ghost_cards(arts):
    image = Tree(snippet(arts["still"], "ghost", title="T"))
    assert image.first("figure")["class"] == "kg-card kg-image-card kg-card-hascaption"
    assert image.first("img")["class"] == "kg-image"
    video = Tree(snippet(arts["mp4"], "ghost"))
    assert video.first("figure")["class"] == "kg-card kg-video-card" and "video" in video.names()


# ---------------------------------------------------------------- any text at all stays text

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from clipkit.artifact import Artifact  # noqa: E402
from clipkit.embed.text import clean_text  # noqa: E402
from pathlib import Path  # noqa: E402

_PLAIN_ART = Artifact(Path("/up/x.png"), "still", 64, 36, 100)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(lambda t: clean_text(t) != "")


@given(text=_TEXT)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_comes_back_as_the_same_text(text):
    want = clean_text(text)
    html_tree = Tree(snippet(_PLAIN_ART, "html", alt=text, title=text, base_url="/up/"))
    assert html_tree.names() == ["figure", "img", "figcaption"]
    assert html_tree.first("img")["alt"] == want and html_tree.text["figcaption"] == want
    md = render_markdown(snippet(_PLAIN_ART, "markdown", alt=text, title=text, base_url="/up/"))
    assert md.names() == ["p", "img", "p", "em"]
    assert md.first("img")["alt"] == want and md.text["em"] == want
    bb = snippet(_PLAIN_ART, "bbcode", title=text, spoiler=True, base_url="/up/")
    assert [m.group(1) + m.group(2).lower() for m in BB_TAG.finditer(bb)] == ["spoiler", "img", "/img", "i", "/i", "/spoiler"]
    assert want in bb.replace("\u200b", "")
    fig = hugo_shortcodes(snippet(_PLAIN_ART, "hugo", title=text, base_url="/up/"))[0][1]
    assert render_markdown(fig["caption"]).text["p"] == want
    wp = Tree(re.sub(r"<!-- /?wp:.*? -->", "", snippet(_PLAIN_ART, "wordpress", alt=text, title=text, base_url="/up/")))
    # An entity-like "&name;" stays as typed in a block attribute, as the editor's escapeAttribute() writes it.
    import html as _html
    wp_alt = re.sub(r"&(?:[a-z0-9]+|#[0-9]+|#x[a-f0-9]+);", lambda m: _html.unescape(m.group()), want, flags=re.I)
    assert wp.first("img")["alt"] == wp_alt and wp.text["figcaption"] == want
