"""The pipeline records what it made in its folder's manifest, so a file made from Python, the CLI,
a batch or the demo alike shows in ``clipkit embed --all``."""

from __future__ import annotations

from ..artifact import Artifact
from ..errors import ClipkitError
from ..settings import EmbedOptions

__all__ = ["recorded"]


def recorded(artifact: Artifact, record: bool = True, embed: EmbedOptions | None = None) -> Artifact:
    """Record ``artifact`` (with the snippet choices in ``embed`` worth remembering) when ``record``;
    a manifest that cannot be written is a note on the artifact, not a failure: the file was made."""
    if not record:
        return artifact
    from ..manifest import record_artifact

    try:
        record_artifact(artifact, embed=embed.recorded() if embed else None)
    except (ClipkitError, OSError) as exc:
        return artifact.with_(notes=(*artifact.notes, f"could not update the manifest: {exc}"))
    return artifact
