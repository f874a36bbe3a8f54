#!/usr/bin/env bash
# Wrap the PyInstaller build (dist/giveaway-desk) into the Linux tarball:
#   dist/giveaway-desk-0.1.0-linux-x86_64.tar.gz for version 0.1.0
# which unpacks to one giveaway-desk/ folder holding the app, README.txt (the
# system libraries Qt needs, install, first run, folders, uninstall), the icon
# and install-menu-entry.sh.
#
# Run from anywhere after `python -m PyInstaller --noconfirm build.spec`; the
# version is read from the built executable, so the archive names what it holds.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dist="$root/dist"
app_dir="$dist/giveaway-desk"
if [ ! -x "$app_dir/giveaway-desk" ]; then
  echo "No build at $app_dir: run PyInstaller with build.spec first." >&2
  exit 1
fi

version="$("$app_dir/giveaway-desk" --version)"
archive="$dist/giveaway-desk-$version-linux-$(uname -m).tar.gz"

# Stage a copy so the dist folder itself stays as PyInstaller left it.
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -a "$app_dir" "$staging/giveaway-desk"
cp "$root/installers/linux/README.txt" "$staging/giveaway-desk/README.txt"
cp "$root/resources/giveaway-desk.png" "$staging/giveaway-desk/giveaway-desk.png"
install -m 755 "$root/installers/linux/install-menu-entry.sh" \
  "$staging/giveaway-desk/install-menu-entry.sh"

# Owner and group 0 and sorted names make the archive the same on every build
# machine; the user unpacking it becomes the owner anyway.
tar --owner=0 --group=0 --numeric-owner --sort=name \
  -C "$staging" -czf "$archive" giveaway-desk
echo "$archive ($(du -m "$archive" | cut -f1) MB)"
