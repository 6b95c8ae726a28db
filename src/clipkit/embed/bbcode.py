"""BBCode for forums: ``[img]``, spoilers per dialect (generic, XenForo, phpBB).

BBCode has no escape character.  Text is made inert by putting an invisible
zero-width space after every ``[`` (so ``[/spoiler]`` or ``[url=…]`` in a
caption is no tag to any parser and still reads the same), and option values
(the spoiler title) lose the characters that could end them.  (A parser that
reads every bracket as a tag, as @bbob/parser does, shows a bracket it does not
know as ``[name]`` without its ``=…``; nothing in the text can prevent that.)
"""

from __future__ import annotations

from ..errors import UsageError
from .item import EmbedItem

__all__ = ["DIALECTS", "bb_text", "render", "spoiler", "check_dialect"]

from ..settings import BBCODE_DIALECTS as DIALECTS  # noqa: E402 - declared once, in settings
_ZWSP = "\u200b"


def check_dialect(dialect: str | None) -> str:
    d = (dialect or "generic").lower()
    if d not in DIALECTS:
        raise UsageError(f"unknown BBCode dialect {dialect!r}", f"use one of: {', '.join(DIALECTS)}")
    return d


def bb_text(text: str) -> str:
    return text.replace("[", "[" + _ZWSP)


def bb_option(text: str) -> str:
    return text.replace("[", "(").replace("]", ")").replace('"', "'").replace("\n", " ")


def bb_url(url: str) -> str:
    # Percent-encoded already; brackets can only come from a base URL and are encoded too.
    return url.replace("[", "%5B").replace("]", "%5D").replace(" ", "%20")


def render(item: EmbedItem, dialect: str = "generic") -> str:
    upper = check_dialect(dialect) == "xenforo"
    img, url = ("IMG", "URL") if upper else ("img", "url")
    if item.is_video:
        body = f"[{url}={bb_url(item.mp4_url or item.url)}]{bb_text(item.alt or item.name)} (MP4)[/{url}]"
    else:
        body = f"[{img}]{bb_url(item.url)}[/{img}]"
    if item.caption:
        body += f"\n[{'I' if upper else 'i'}]{bb_text(item.caption)}[/{'I' if upper else 'i'}]"
    return body


def spoiler(body: str, label: str, dialect: str = "generic") -> str:
    d = check_dialect(dialect)
    if d == "xenforo":
        return f'[SPOILER="{bb_option(label)}"]\n{body}\n[/SPOILER]'
    if d == "phpbb":
        return f"[spoiler title={bb_option(label)}]\n{body}\n[/spoiler]"
    return f"[spoiler]\n{body}\n[/spoiler]"
