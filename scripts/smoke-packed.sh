#!/usr/bin/env bash
# Proves the npm package installs and runs on its own: packs the project, installs the tarball into
# an empty folder with an empty npm cache and no registry access (the package has no dependencies,
# so there is nothing to fetch), then verifies a valid and an unsigned fixture through `npx`.
# Usage: scripts/smoke-packed.sh [NODE_BIN_DIR]  (a folder holding the `node` to run it with)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${1:-}" ]; then export PATH="$1:$PATH"; fi
echo "node $(node --version)"

tarball=$(npm pack --silent --pack-destination "$work")
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"
# The allowlist in package.json: the CLI bundle, its trust roots, the policy schema, no tests.
if tar -tzf "$work/$tarball" | grep -Ev '^package/(dist/cli/|trustedroots/|schema/|examples/policy\.yml$|README\.md$|package\.json$)'; then
  echo "the tarball holds files outside the allowlist (above)" >&2
  exit 1
fi
if [ -n "$(node -e 'const p=require(process.argv[1]);process.stdout.write(Object.keys(p.dependencies??{}).join(" "))' "$root/package.json")" ]; then
  echo "the package declares runtime dependencies; dist/cli is bundled and needs none" >&2
  exit 1
fi

mkdir "$work/consumer"
cd "$work/consumer"
echo '{"name":"consumer","private":true}' >package.json
npm install --no-audit --no-fund --offline --cache "$work/npm-cache" "$work/$tarball"

# The revocation mode comes from the environment (.ci/run sets offline); the verdicts do not depend on it.
npx --offline --cache "$work/npm-cache" nupkg-signing verify "$root/fixtures/packages/system.buffers.4.5.1.nupkg" >"$work/valid.txt"
grep -q '^PASS .*system\.buffers\.4\.5\.1\.nupkg System\.Buffers 4\.5\.1' "$work/valid.txt" ||
  { cat "$work/valid.txt" >&2; echo "expected PASS for System.Buffers" >&2; exit 1; }
set +e
npx --offline --cache "$work/npm-cache" nupkg-signing verify "$root/fixtures/packages/testunsigned.1.0.0.nupkg" >"$work/unsigned.txt"
code=$?
set -e
if [ "$code" -ne 1 ] || ! grep -q 'NU3004' "$work/unsigned.txt"; then
  cat "$work/unsigned.txt" >&2
  echo "expected exit 1 and NU3004 for an unsigned package, got exit $code" >&2
  exit 1
fi
echo "packed CLI: PASS on a signed package, NU3004 (exit 1) on an unsigned one"
