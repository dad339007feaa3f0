#!/usr/bin/env bash
# Obtain lwIP's sources from Debian's source package (apt-get source lwip),
# verify them and keep the unpacked tree in the cache, once per version.
#
#   fetch-lwip.sh [--out DIR] [--check]
#
# The version and the upstream tarball's sha256 come from source.conf beside
# this script. DIR defaults to <cache>/lwip-src-<Debian version>, <cache> being
# $CAIRN_CACHE_DIR, else $XDG_CACHE_HOME/cairn, else ~/.cache/cairn (the same
# rule as for newlib, cmake/CairnNewlib.cmake). The result:
#
#   DIR/src/...      lwIP's tree as Debian ships it (Debian's patches applied)
#   DIR/.complete    written last; its presence means DIR is usable
#
# --check only tells whether DIR is complete (status 0) or not (1).
#
# Verification, in order: apt checks every downloaded file against the
# checksums of the source index, which the archive's signed Release file
# vouches for; we check the upstream tarball against the sha256 recorded in
# source.conf before unpacking anything; dpkg-source checks the files against
# the .dsc. Needs Debian's source index (a deb-src entry, which
# tools/install-deps adds) but not root: apt-get source only downloads into the
# working directory. Exit status: 0 done, 1 failed, 3 no usable source index.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=source.conf
. "$here/source.conf"

usage() {
    echo "usage: $0 [--out DIR] [--check]" >&2
    exit 2
}

out='' check=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out)   [[ $# -ge 2 ]] || usage; out=$2; shift 2 ;;
        --check) check=1; shift ;;
        -h|--help) usage ;;
        *) echo "fetch-lwip.sh: unknown argument: $1" >&2; usage ;;
    esac
done

if [[ -z $out ]]; then
    if [[ -n ${CAIRN_CACHE_DIR:-} ]]; then
        cache=$CAIRN_CACHE_DIR
    elif [[ -n ${XDG_CACHE_HOME:-} ]]; then
        cache=$XDG_CACHE_HOME/cairn
    else
        cache=$HOME/.cache/cairn
    fi
    out=$cache/lwip-src-$LWIP_DEBIAN_VERSION
fi

# Cache hit: silent and immediate, because this runs on every set-up.
[[ -e $out/.complete ]] && exit 0
[[ $check == 1 ]] && exit 1

die() { echo "cairn: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-source sha256sum; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "fetching lwIP needs $tool (Debian packages apt and dpkg-dev): run tools/install-deps"
done

# The index must offer exactly our version: apt-get source would otherwise
# fail with a message that does not say what to do.
if ! apt-cache showsrc --only-source lwip 2>/dev/null | grep -qx "Version: $LWIP_DEBIAN_VERSION"; then
    echo "cairn: Debian's source index does not list lwip $LWIP_DEBIAN_VERSION." >&2
    echo "cairn: run tools/install-deps (it adds a deb-src entry and runs apt-get update)." >&2
    exit 3
fi

mkdir -p "$(dirname "$out")"
out=$(realpath -m "$out")
log=$out.log

# Two builds fetching at once: the second waits, then finds the result.
exec 9>"$out.lock"
flock 9
[[ -e $out/.complete ]] && exit 0

work=$(mktemp -d "$out.fetch.XXXXXX")
stage=$out.tmp
cleanup() { rm -rf "$work" "$stage"; }
trap cleanup EXIT
rm -rf "$stage"
: >"$log"

fail() {
    echo "--- last lines of $log ---" >&2
    tail -n 15 "$log" >&2
    die "$1 (full log: $log)"
}

echo "cairn: fetching lwIP $LWIP_DEBIAN_VERSION sources (Debian source package lwip)..."
# The children do not inherit the lock's descriptor (9>&-). Files are
# downloaded with apt's own checks against the signed index.
if ! (cd "$work" && apt-get source -q --download-only --only-source "lwip=$LWIP_DEBIAN_VERSION") \
        >>"$log" 2>&1 9>&-; then
    if grep -qiE "temporary failure resolving|could not resolve|failed to fetch|connection (failed|timed out|refused)|network is unreachable" "$log"; then
        fail "could not download lwIP's sources: no network? (Debian's archive was not reachable)"
    fi
    fail "apt-get source lwip=$LWIP_DEBIAN_VERSION failed"
fi

tarball=$work/$LWIP_ORIG_TARBALL
[[ -f $tarball ]] || fail "apt-get source did not bring $LWIP_ORIG_TARBALL"
echo "+ sha256 $LWIP_ORIG_TARBALL" >>"$log"
actual=$(sha256sum "$tarball" | cut -d' ' -f1)
if [[ $actual != "$LWIP_ORIG_SHA256" ]]; then
    echo "expected $LWIP_ORIG_SHA256, got $actual" >>"$log"
    fail "$LWIP_ORIG_TARBALL does not match the sha256 recorded in libs/lwip/source.conf"
fi

# dpkg-source checks every file against the .dsc and applies Debian's patches.
# Without Debian's maintainer keyring it cannot check the .dsc's own OpenPGP
# signature and says so; the index's signature already covers the .dsc.
dsc=$work/lwip_$LWIP_DEBIAN_VERSION.dsc
echo "+ dpkg-source -x $dsc" >>"$log"
(cd "$work" && dpkg-source -x "$dsc" tree) >>"$log" 2>&1 9>&- || fail "dpkg-source could not unpack lwIP"
[[ -f $work/tree/src/core/tcp.c && -f $work/tree/src/include/lwip/init.h ]] ||
    fail "the unpacked tree does not look like lwIP"
# The package's version says 2.1.3; so must the sources' own header.
IFS=. read -r major minor revision <<<"$LWIP_UPSTREAM_VERSION"
init_h=$work/tree/src/include/lwip/init.h
cr=$'\r'  # lwIP's files have DOS line ends
for part in "MAJOR $major" "MINOR $minor" "REVISION $revision"; do
    grep -qE "^#define LWIP_VERSION_${part% *} +${part#* }U?$cr?$" "$init_h" ||
        fail "lwip/init.h is not lwIP $LWIP_UPSTREAM_VERSION"
done

mkdir -p "$stage"
mv "$work/tree" "$stage/src"
echo "$LWIP_DEBIAN_VERSION $LWIP_ORIG_SHA256" >"$stage/.complete"
# We hold the lock, so anything at $out is a leftover without .complete.
rm -rf "$out"
mv "$stage" "$out"
echo "cairn: lwIP sources in $out"
