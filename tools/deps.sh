#!/bin/sh
# Install the Debian packages the build and the tests need.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -e
# A|B: either will do (the first is installed when neither is).  libcurl's
# headers come from either -dev package; the build links the GnuTLS
# flavour (libcurl3-gnutls) when it is there, see the Makefile.
PKGS="build-essential pkg-config clang libyaml-dev libpcre2-dev libcjson-dev
libcmocka-dev libcurl4-gnutls-dev|libcurl4-openssl-dev libcurl3-gnutls
libmicrohttpd-dev libarchive-dev libssl-dev nettle-dev libncurses-dev valgrind
groff-base hyperfine python3 openssl"

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=""
for alt in $PKGS; do
	ok=""
	for p in $(echo "$alt" | tr '|' ' '); do
		installed "$p" && ok=1 && break
	done
	[ -n "$ok" ] || missing="$missing ${alt%%|*}"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian system; install the equivalents of:$missing" >&2
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
