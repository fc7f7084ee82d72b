#!/usr/bin/env bash
# Pushes the deploy commit at HEAD to main, rebasing onto commits pushed meanwhile (other apps'
# deploys touch other lines of the state files, so the rebase applies cleanly).
set -euo pipefail
for attempt in 1 2 3 4 5; do
  if git push --quiet origin HEAD:main; then exit 0; fi
  echo "main moved; rebasing (attempt $attempt)"
  git pull --quiet --rebase origin main
done
echo "::error::could not push the deploy commit to main"
exit 1
