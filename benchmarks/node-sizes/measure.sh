#!/usr/bin/env bash
# Build each fixture twice, with the Dockerfile containerize writes and with the hand-written one here,
# and print the final image sizes (MB) as a Markdown table row.
#   benchmarks/node-sizes/measure.sh node-next-standalone node-sveltekit ...
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
for fixture in "$@"; do
  work="$(mktemp -d)"
  cp -r "$root/fixtures/$fixture/." "$work/"
  "$root/.venv/bin/python" -m containerize "$work" --yes >/dev/null
  if [ -n "${CONTAINERIZE_PROVIDE:-}" ]; then  # a machine with no registry: local stand-ins for the base images
    "$CONTAINERIZE_PROVIDE" --dockerfile "$work/Dockerfile" "$root/benchmarks/node-sizes/$fixture.Dockerfile" >/dev/null
  fi
  docker build -q -t "size-gen-$fixture" "$work" >/dev/null
  docker build -q -t "size-hand-$fixture" -f "$root/benchmarks/node-sizes/$fixture.Dockerfile" "$root/fixtures/$fixture" >/dev/null
  gen=$(docker image inspect -f '{{.Size}}' "size-gen-$fixture")
  hand=$(docker image inspect -f '{{.Size}}' "size-hand-$fixture")
  echo "| $fixture | $((gen / 1000000)) MB | $((hand / 1000000)) MB |"
  docker image rm -f "size-gen-$fixture" "size-hand-$fixture" >/dev/null
  rm -rf "$work"
done
