"""Paste-ready snippets for the files clipkit makes; every piece of user text escaped."""

from .html import html_img

__all__ = ["html_img"]
