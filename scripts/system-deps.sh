#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt (or the list file given as the
# first argument, e.g. bench-packages.txt) that are not installed yet.
# Idempotent and quick when nothing is missing; needs root (as on this project's machines) or sudo.
set -euo pipefail
cd "$(dirname "$0")"
list="${1:-system-packages.txt}"
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$' || true)
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
