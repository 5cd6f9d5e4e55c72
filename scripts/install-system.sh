#!/usr/bin/env bash
# Installs the system packages the local stack and the browser tests need when they are missing,
# and checks the preinstalled ones (Java, the Google Cloud emulators). Idempotent and quick
# when all is there.
set -euo pipefail

need_apt=()
command -v dovecot >/dev/null 2>&1 || need_apt+=(dovecot-imapd dovecot-pop3d)
# the settings page's browser tests (tests/browser): Debian's Chromium, driven by Playwright
# through executable_path (never `playwright install`, which downloads its own browser)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The package may start a system-wide Dovecot; ours runs with its own config and ports.
fi

missing=()
command -v java >/dev/null 2>&1 || missing+=("java (Java 17)")
# make lint fetches the providers' CDK for Terraform bindings from the npm registry
command -v npm >/dev/null 2>&1 || missing+=("npm (Node.js; apt-get install nodejs npm)")
sdk=$(dirname "$(dirname "$(readlink -f "$(command -v gcloud 2>/dev/null || echo /usr/lib/google-cloud-sdk/bin/gcloud)")")")
[ -f "$sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar" ] || missing+=("Firestore emulator ($sdk/platform/cloud-firestore-emulator)")
[ -x "$sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator" ] || missing+=("Pub/Sub emulator ($sdk/platform/pubsub-emulator)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}" >&2
  echo "Install the Google Cloud SDK with its Firestore and Pub/Sub emulators and Java 17 (README: The two commands)." >&2
  exit 1
fi
