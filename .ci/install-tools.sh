#!/usr/bin/env bash
# Outside validators used by optional test tiers (each tier skips with a message when its tool is
# absent). Installed from Debian's packages when we are root and apt is there; never fatal.
set -u
want=()
# Debian's packages install into Debian's own python3 (/usr/bin/python3), which the test tiers use.
has_py() { python3 -c "import $1" 2>/dev/null || /usr/bin/python3 -c "import $1" 2>/dev/null; }
has_py onnx || want+=(python3-onnx)
has_py h5py || want+=(python3-h5py)
command -v chromium >/dev/null || want+=(chromium)
command -v umoci >/dev/null || want+=(umoci)
command -v skopeo >/dev/null || want+=(skopeo)
[ ${#want[@]} -eq 0 ] && { echo "tools present"; exit 0; }
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  timeout 300 apt-get update -qq >/dev/null 2>&1 || true
  for p in "${want[@]}"; do
    if timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
      echo "installed $p"
    else
      echo "could not install $p"
    fi
  done
fi
exit 0
