#!/usr/bin/env bash
# An environment's manifests as this commit has them, with the image digests that main records
# now: only deploy commits change those, each after its image passed CI, so applying a manifest
# change never rolls an app back to the digest this commit happened to see.
#   render-environment.sh <environment>               the rendered manifests, on stdout
#   render-environment.sh <environment> --superseded  exit 0 when a newer commit on main changed
#                                                     them (that commit's run applies them), else 1
set -euo pipefail
here="$(dirname "$0")"
environment="$1"
target="$(node "$here/pipeline.mjs" environment "$environment")"
field() { sed -n "s/^$1=//p" <<< "$target"; }
main="${MAIN_REF:-origin/main}"

if [ "${2:-}" = --superseded ]; then
  # shellcheck disable=SC2046 # the inputs are space-separated paths
  newer="$(git log --format=%h "HEAD..$main" -- $(field inputs) ':(exclude)*/images/digests.env')"
  [ -n "$newer" ]
  exit
fi

for other in dev staging production; do
  state="$(node "$here/pipeline.mjs" environment "$other" | sed -n 's/^state=//p')"
  git show "$main:$state" > "$state.main"
  mv "$state.main" "$state"
done
kubectl kustomize "$(field overlay)"
