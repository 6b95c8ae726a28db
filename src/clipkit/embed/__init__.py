"""Paste-ready snippets for the files clipkit makes; every piece of user text escaped.

``snippet(artifacts, format, …)`` is the entry point; :data:`FORMATS` lists the
formats.  One module per platform family holds its templates.
"""

from .html import html_img
from .regenerate import EmbedResult, embed_files
from .snippet import FORMATS, HTML_FORMATS, check_format, describe, fallback_notes, snippet
from .urls import check_base_url, url_for

__all__ = ["embed_files", "EmbedResult", "FORMATS", "HTML_FORMATS", "snippet", "check_format", "describe", "html_img", "url_for", "check_base_url"]

from ..command_module import make_callable  # noqa: E402

make_callable(__name__, "clipkit.embed.regenerate:embed_files")  # clipkit.embed(files, ...) is the API's `embed`
