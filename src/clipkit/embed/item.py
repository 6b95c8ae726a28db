"""One artifact made ready for the snippet templates: URLs resolved, text cleaned.

The templates (one module per platform) only arrange and escape what is here;
every choice (which URL, which alt text, whether a video needs controls) is
made once, in :func:`prepare`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..artifact import Artifact
from ..settings import EmbedSettings
from .text import caption_text, clean_text, default_alt
from .urls import url_for

__all__ = ["EmbedItem", "prepare", "VIDEO_KINDS", "PAUSE_AFTER"]

VIDEO_KINDS = ("mp4",)
POSTER_KINDS = ("poster", "still")
#: WCAG 2.2.2: moving content that loops for more than 5 s needs a way to pause it.
PAUSE_AFTER = Fraction(5)


@dataclass(frozen=True)
class EmbedItem:
    kind: str  # the artifact's kind: gif, still, strip, mp4, webp
    url: str  # the artifact itself
    name: str  # its file name (for link text)
    width: int
    height: int
    alt: str  # plain text, not escaped yet
    caption: str  # title and credit line, plain text ("" = none)
    duration: Fraction | None
    mp4_url: str | None  # the MP4 (the artifact itself, or its sibling)
    mp4_size: tuple[int, int] | None
    webp_url: str | None  # an animated WebP sibling
    gif_url: str | None  # the GIF (fallback for video/picture)
    poster_url: str | None  # a still to show before the video plays
    lazy: bool
    controls: bool  # a <video> of this item should show controls

    @property
    def is_video(self) -> bool:
        return self.kind in VIDEO_KINDS


def _sibling(artifact: Artifact, kinds: tuple[str, ...]) -> Artifact | None:
    return next((s for s in artifact.siblings if s.kind in kinds), None)


def prepare(artifact: Artifact, settings: EmbedSettings, *, alt: str | None = None, title: str | None = None) -> EmbedItem:
    base = settings.base_url or None
    alt_text = clean_text(alt) if alt is not None else default_alt(artifact, settings.alt_max_chars)
    mp4 = artifact if artifact.kind in VIDEO_KINDS else _sibling(artifact, VIDEO_KINDS)
    webp = _sibling(artifact, ("webp",))
    poster = _sibling(artifact, POSTER_KINDS)
    gif = artifact if artifact.kind == "gif" else _sibling(artifact, ("gif",))
    duration = artifact.duration if artifact.duration is not None else (mp4.duration if mp4 else None)
    if settings.video_controls == "always":
        controls = True
    elif settings.video_controls == "never":
        controls = False
    else:
        controls = duration is None or duration > PAUSE_AFTER
    return EmbedItem(
        kind=artifact.kind,
        url=url_for(artifact.path, base),
        name=clean_text(artifact.path.name),
        width=int(artifact.width),
        height=int(artifact.height),
        alt=alt_text,
        caption=caption_text(title, settings.credit or None, settings.credit_format),
        duration=duration,
        mp4_url=url_for(mp4.path, base) if mp4 else None,
        mp4_size=(int(mp4.width), int(mp4.height)) if mp4 else None,
        webp_url=url_for(webp.path, base) if webp else None,
        gif_url=url_for(gif.path, base) if gif else None,
        poster_url=url_for(poster.path, base) if poster else None,
        lazy=settings.lazy,
        controls=controls,
    )
