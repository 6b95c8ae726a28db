"""Scene-change detection and frame scoring.

Detectors are small objects fed one frame's features at a time
(:mod:`.detector`): hard cuts (:mod:`.cuts`, with flash suppression from
:mod:`.flash`), fades (:mod:`.fades`) and dissolves (:mod:`.dissolves`).
:mod:`.manager` drives them over a decoded stream and turns their events into
shots (:mod:`.model`); :mod:`.formats` writes the result, :mod:`.cache` keeps
it.  The job itself — decoding, caching, notes — is
:func:`clipkit.pipeline.scenes.detect_scenes`.  :mod:`.choice` says what a
good frame is (sharp, not black, blank, mid-fade or a flash) for stills and strips.
"""

from ..command_module import make_callable

make_callable(__name__, "clipkit.pipeline.scenes:detect_scenes")  # clipkit.scenes(video, ...) is the API's `scenes`
