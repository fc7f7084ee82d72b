#!/usr/bin/env bash
# Checks each action pin of the workflows, `uses: owner/repo@<sha> # vX.Y.Z`, against the
# action's own repository: the tag vX.Y.Z must exist there and point at exactly that commit
# (an annotated tag is peeled to its commit). Run it before merging a pin change (Dependabot's
# included).
#   .github/scripts/verify-action-pins.sh        asks github.com (git ls-remote)
#   ACTION_MIRROR='/srv/mirrors/{owner}+{repo}' .github/scripts/verify-action-pins.sh
#                                                reads bare clones instead, and also checks that
#                                                a branch of the action holds the commit
set -euo pipefail
cd "$(dirname "$0")/../.."
failed=0
pins="$(grep -hoE 'uses: *[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@ ]+)?@[0-9a-f]{40} *# *v[0-9][^ ]*' .github/workflows/*.y*ml | sed -E 's/uses: *//; s/ *# */ /' | sort -u)"
while read -r ref tag; do
  [ -n "$ref" ] || continue
  repo="${ref%%@*}"
  repo="$(cut -d/ -f1-2 <<< "$repo")"
  sha="${ref##*@}"
  if [ -n "${ACTION_MIRROR:-}" ]; then
    dir="${ACTION_MIRROR//\{owner\}/${repo%%/*}}"
    dir="${dir//\{repo\}/${repo#*/}}"
    actual="$(git --git-dir="$dir" rev-parse --verify --quiet "refs/tags/$tag^{commit}" || true)"
    # A tag moved to a commit that no branch holds is how a hijacked release looks.
    on_branch="$(git --git-dir="$dir" for-each-ref --contains "$sha" --format='%(refname:short)' refs/heads | head -3 | paste -sd, -)"
    on_branch="${on_branch:-no}"
  else
    listing="$(git ls-remote --tags "https://github.com/$repo" "refs/tags/$tag" "refs/tags/$tag^{}")"
    actual="$(awk '/\^\{\}$/ { print $1 }' <<< "$listing")"
    [ -n "$actual" ] || actual="$(awk '{ print $1 }' <<< "$listing" | head -1)"
    on_branch="not checked"
  fi
  if [ "$actual" = "$sha" ] && [ "$on_branch" != no ]; then
    echo "ok       $repo $tag = $sha (on branches: $on_branch)"
  else
    echo "MISMATCH $repo $tag: pinned $sha, the tag is at ${actual:-nothing} (on branches: $on_branch)"
    failed=1
  fi
done <<< "$pins"
exit "$failed"
