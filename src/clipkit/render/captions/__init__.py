"""Burn captions into RGB frames: dialogue cues and typed text, in any script.

Each cue is laid out once (:mod:`.wrap`: a font that covers its text,
wrapping to the safe width, at most ``caption_max_lines`` lines, shrinking to
``caption_min_size`` before anything is cut), drawn as an RGBA patch
(:mod:`.draw`: styles ``classic``, ``yellow``, ``boxed``), and put on frames
by one alpha blend (:mod:`.overlay`: ``caption_overlay`` for the GIF engine,
``burn_captions`` for stills).  Rendering sees only the cue model
(:mod:`clipkit.subtitles.model`); no files are read or written here.
"""

from .draw import STYLES, CaptionStyle, RenderedCaption, check_caption_settings, render_cue
from .overlay import CaptionOverlay, CaptionPlan, burn_captions, caption_overlay
from .wrap import fit_lines, wrap_runs

__all__ = [
    "CaptionStyle",
    "STYLES",
    "RenderedCaption",
    "CaptionOverlay",
    "CaptionPlan",
    "render_cue",
    "caption_overlay",
    "burn_captions",
    "wrap_runs",
    "fit_lines",
    "check_caption_settings",
]
