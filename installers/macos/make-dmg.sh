#!/usr/bin/env bash
# Pack "dist/Giveaway Desk.app" into a compressed disk image:
#   dist/GiveawayDesk-0.1.0-macos.dmg for version 0.1.0
# Opening it shows the app beside a link to /Applications, so installing is one
# drag. Run after PyInstaller (and after signing the app, when it is signed:
# sign-and-notarize.sh calls this script between signing and notarising).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
app="$root/dist/Giveaway Desk.app"
if [ ! -d "$app" ]; then
  echo "No app at $app: run PyInstaller with build.spec on macOS first." >&2
  exit 1
fi

# The version is read from the built app, which build.spec took from the package.
version="$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" \
  "$app/Contents/Info.plist")"
dmg="$root/dist/GiveawayDesk-$version-macos.dmg"

# hdiutil copies a folder's contents into the image: stage the app and the
# /Applications link in a folder of their own. ditto keeps symlinks, extended
# attributes and code signatures intact, which cp -R does not promise.
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
ditto "$app" "$staging/Giveaway Desk.app"
ln -s /Applications "$staging/Applications"

# UDZO: read-only and zlib-compressed, the usual format for downloads. -ov
# replaces an image left by an earlier run.
rm -f "$dmg"
hdiutil create -volname "Giveaway Desk $version" -srcfolder "$staging" \
  -fs HFS+ -format UDZO -ov "$dmg"
echo "$dmg"
