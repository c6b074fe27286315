#!/usr/bin/env bash
# Installs QEMU 10.0 (Debian bookworm-backports' qemu-system-x86) into a private folder beside the system's QEMU,
# and prints that folder. Idempotent: a complete folder is reused as it is.
#
# The packages are fetched with apt-get download and unpacked with dpkg -x (nothing of QEMU 10.0 is installed
# system-wide); the libraries they depend on (their control files' Depends, seabios and ipxe-qemu included) are
# installed from Debian with apt-get. Run it as:
#   QEMU_MODULE_DIR=$DIR/usr/lib/x86_64-linux-gnu/qemu $DIR/usr/bin/qemu-system-x86_64 -L $DIR/usr/share/qemu -L /usr/share/qemu ...
# (-L /usr/share/qemu second, for the SeaBIOS and iPXE images the seabios and ipxe-qemu packages put there).
#
# Environment: QEMU10_DIR (default /opt/qemu-10.0). Needs root the first time (apt-get), on Debian 12.
set -euo pipefail

DEST=${QEMU10_DIR:-/opt/qemu-10.0}
log() { printf '[qemu10] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -f $DEST/.complete && -x $DEST/usr/bin/qemu-system-x86_64 ]]; then
    echo "$DEST"
    exit 0
fi

[[ $(id -u) -eq 0 ]] || die "run as root the first time: apt-get fetches QEMU 10.0 and its libraries"
export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^deb .*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo 'deb http://deb.debian.org/debian bookworm-backports main' >/etc/apt/sources.list.d/bookworm-backports.list
fi
apt-get update -qq
VERSION=$(apt-cache policy qemu-system-x86 | awk '/~bpo12/ {print $1; exit}')
[[ $VERSION == 1:10.0* ]] || die "bookworm-backports has no QEMU 10.0 (found '${VERSION:-nothing}')"

WORK=$(mktemp -d /tmp/qemu10.XXXXXX)
chmod 1777 "$WORK" # apt-get download writes as the _apt user
trap 'rm -rf "$WORK"' EXIT
(
    cd "$WORK"
    apt-get download -qq "qemu-system-x86=$VERSION" "qemu-system-common=$VERSION" "qemu-system-data=$VERSION"
)

# The libraries the packages link against, from their own control files (versions left to apt).
deps=$(for deb in "$WORK"/*.deb; do dpkg-deb -f "$deb" Depends; done |
    tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/[[:space:]]//g' | grep -v '^qemu-' | grep -v '^$' | sort -u)
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $deps >/dev/null

rm -rf "$DEST.partial"
mkdir -p "$DEST.partial"
for deb in "$WORK"/*.deb; do
    dpkg -x "$deb" "$DEST.partial"
done
echo "$VERSION" >"$DEST.partial/.complete"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
log "QEMU $VERSION in $DEST"
echo "$DEST"
