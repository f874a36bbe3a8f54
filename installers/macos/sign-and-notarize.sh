#!/usr/bin/env bash
# Sign "dist/Giveaway Desk.app", pack it into a disk image, sign and notarise
# the image and staple the ticket to it, so Gatekeeper opens it on a clerk's Mac
# without a warning and without a network check.
#
# Build inputs (GitHub Actions secrets in .github/workflows/release.yml):
#   APPLE_SIGNING_IDENTITY      the certificate's name in the keychain,
#                               "Developer ID Application: Company (TEAMID)"
#   APPLE_CERTIFICATE_P12_BASE64, APPLE_CERTIFICATE_PASSWORD
#                               that certificate and its private key, exported
#                               from Keychain Access as .p12 and base64-encoded;
#                               imported into a throw-away keychain (CI only:
#                               leave both unset where the identity is already
#                               in the login keychain)
#   APPLE_ID                    the Apple ID of a member of the developer team
#   APPLE_TEAM_ID               the team's ten-character ID
#   APPLE_APP_PASSWORD          an app-specific password of that Apple ID
#                               (appleid.apple.com > Sign-In and Security)
#
# Without APPLE_SIGNING_IDENTITY the script only packs an unsigned image and
# says so (forks and local test builds have no certificate); Gatekeeper then
# asks the user to confirm the first start (right-click > Open).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
app="$root/dist/Giveaway Desk.app"
entitlements="$here/entitlements.plist"

if [ ! -d "$app" ]; then
  echo "No app at $app: run PyInstaller with build.spec on macOS first." >&2
  exit 1
fi

if [ -z "${APPLE_SIGNING_IDENTITY:-}" ]; then
  echo "APPLE_SIGNING_IDENTITY is not set: packing an UNSIGNED, un-notarised image."
  "$here/make-dmg.sh"
  exit 0
fi
for variable in APPLE_ID APPLE_TEAM_ID APPLE_APP_PASSWORD; do
  if [ -z "${!variable:-}" ]; then
    echo "$variable is not set: it is needed to notarise a signed build." >&2
    exit 1
  fi
done

# Step 1 (CI only): put the certificate into a keychain of its own, unlocked for
# this job, so codesign finds it without a password prompt. The keychain and
# its random password disappear with the job.
if [ -n "${APPLE_CERTIFICATE_P12_BASE64:-}" ]; then
  scratch="${RUNNER_TEMP:-$(mktemp -d)}"
  keychain="$scratch/giveaway-desk-signing.keychain-db"
  keychain_password="$(openssl rand -hex 24)"
  certificate="$scratch/giveaway-desk-signing.p12"
  printf "%s" "$APPLE_CERTIFICATE_P12_BASE64" | base64 --decode > "$certificate"
  security create-keychain -p "$keychain_password" "$keychain"
  security set-keychain-settings -lut 21600 "$keychain"
  security unlock-keychain -p "$keychain_password" "$keychain"
  security import "$certificate" -k "$keychain" -P "${APPLE_CERTIFICATE_PASSWORD:-}" \
    -T /usr/bin/codesign
  # Let codesign use the key without asking (the "partition list" of Sierra+).
  security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" \
    "$keychain" >/dev/null
  # Search this keychain first, then the user's usual ones.
  security list-keychains -d user -s "$keychain" \
    $(security list-keychains -d user | tr -d '"')
  rm -f "$certificate"
fi

# Step 2: sign every Mach-O file inside the bundle, innermost first. A bundle's
# signature covers what it contains, so the libraries (Qt frameworks, Python
# extension modules, libpython) must be signed before the app itself. Each
# signature uses the hardened runtime (--options runtime) and a secure
# timestamp (--timestamp), both required for notarisation.
sign() {
  codesign --force --timestamp --options runtime --entitlements "$entitlements" \
    --sign "$APPLE_SIGNING_IDENTITY" "$@"
}
while IFS= read -r -d '' file; do
  if file --brief "$file" | grep -q "Mach-O"; then
    sign "$file"
  fi
done < <(find "$app/Contents/Frameworks" "$app/Contents/Resources" \
  -type f -print0)
# Qt's frameworks are bundles of their own: sign each as a whole after its
# contents, deepest first.
find "$app/Contents/Frameworks" -type d -name "*.framework" -print0 \
  | sort -rz | while IFS= read -r -d '' framework; do sign "$framework"; done

# Step 3: sign the executable and then the app bundle itself.
sign "$app/Contents/MacOS/giveaway-desk"
sign "$app"

# Step 4: check the signature the way Gatekeeper will, before spending a
# notarisation round trip on it.
codesign --verify --strict --deep --verbose=2 "$app"

# Step 5: pack the signed app into a disk image and sign the image too.
dmg="$("$here/make-dmg.sh" | tail -n 1)"
codesign --force --timestamp --sign "$APPLE_SIGNING_IDENTITY" "$dmg"

# Step 6: send the image to Apple's notary service and wait for the verdict
# (usually a few minutes). On "Invalid", print Apple's log, which names every
# file that failed, and stop.
submission="$(xcrun notarytool submit "$dmg" \
  --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait --output-format json)"
echo "$submission"
status="$(printf "%s" "$submission" | plutil -extract status raw -o - -)"
if [ "$status" != "Accepted" ]; then
  submission_id="$(printf "%s" "$submission" | plutil -extract id raw -o - -)"
  xcrun notarytool log "$submission_id" \
    --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD"
  echo "Notarisation ended with status $status." >&2
  exit 1
fi

# Step 7: staple the ticket to the image, so a Mac without network access (or
# behind a strict firewall) can still check it, and confirm Gatekeeper accepts it.
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "Signed, notarised and stapled: $dmg"
