#!/usr/bin/env sh
# Add Giveaway Desk to this user's application menu, or remove it (--remove).
# Ships in the Linux tarball beside the giveaway-desk executable; it writes only
# under ~/.local/share (the XDG data home), so it needs no administrator rights.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
entry="$data_home/applications/giveaway-desk.desktop"
icon="$data_home/icons/hicolor/256x256/apps/giveaway-desk.png"

if [ "${1:-}" = "--remove" ]; then
  rm -f "$entry" "$icon"
  echo "Removed the menu entry."
  exit 0
fi

mkdir -p "$(dirname "$entry")" "$(dirname "$icon")"
cp "$here/giveaway-desk.png" "$icon"
# The Exec path is this folder's; run the script again after moving the folder.
cat > "$entry" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Giveaway Desk
Comment=Pack TikTok Shop giveaways and free samples
Exec="$here/giveaway-desk"
Icon=giveaway-desk
Terminal=false
Categories=Office;
DESKTOP
echo "Added Giveaway Desk to the application menu ($entry)."
