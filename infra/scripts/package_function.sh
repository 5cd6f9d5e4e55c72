#!/usr/bin/env bash
# Build build/functions/<name>.zip: functions/<name>/main.py at the root, plus shared/ and
# requirements.txt. Deterministic (sorted entries, fixed timestamps) so the content hash only
# changes when the code does.
set -euo pipefail
name=${1:?usage: package_function.sh NAME}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/build/functions"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"
cp -r "$root/functions/$name/." "$stage/"
cp -r "$root/shared" "$stage/shared"
cp "$root/requirements.txt" "$stage/requirements.txt"
find "$stage" -name '__pycache__' -prune -exec rm -rf {} +
(cd "$stage" && find . -type f | LC_ALL=C sort | TZ=UTC xargs touch -d '2000-01-01 00:00:00' \
  && find . -type f | LC_ALL=C sort | zip -q -X -@ "$out/$name.zip.tmp")
mv "$out/$name.zip.tmp" "$out/$name.zip"
echo "$out/$name.zip"
