#!/usr/bin/env bash
# Installs what the tests need, then the package with its test extras.
#   - Debian packages: fonts-noto-cjk (Japanese/Korean/Chinese captions),
#     chromium + chromium-driver (the embed snippets' real-browser test).
#     Installed with apt-get when it is there (as root, or with sudo); otherwise
#     the tests that need them skip and say what is missing.
#   - pip: the package in editable mode with the [test] extra.
set -uo pipefail
cd "$(dirname "$0")/.."
PKGS="fonts-noto-cjk chromium chromium-driver"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  missing=""
  for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "installing Debian packages:$missing" >&2
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
      echo "warning: could not install$missing; the tests that need them will be skipped" >&2
    fi
  fi
else
  echo "note: no apt-get here; install a CJK font (Noto Sans CJK) and Chromium yourself, or those tests skip" >&2
fi
python -m pip install -q -e ".[test]"
