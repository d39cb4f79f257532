#!/bin/sh
# Installs the Debian 12 packages yizhan needs to build, run and test.
# Idempotent and quick when everything is present: it asks dpkg first and only
# calls apt-get for what is missing. `make` runs it; run it by hand as root too.
set -eu

# Build and run.
BUILD="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
libsodium-dev libinih-dev liboath-dev libcurl4-openssl-dev libmagic-dev
libcairo2-dev libpango1.0-dev fonts-noto-cjk"
# Tests: unit framework, sanitizer runtimes, the sqlite3 shell (tamper tests),
# curl (smoke checks), valgrind (leak checks), a real SMTP server for the
# e-mail delivery tests (aiosmtpd, run with Debian's /usr/bin/python3), pdfinfo and
# pdftotext (poppler-utils) to check the rendered court documents, strace to
# make the running server's syscalls fail (T20: test_io_errors, proof_io_errors).
TEST="libcmocka-dev sqlite3 curl valgrind python3-aiosmtpd poppler-utils strace"

# `make proof` (SECURITY.md T5, T13, T14): sqlmap and slowhttptest against a
# loopback server, clang for the libFuzzer targets.
PROOF="sqlmap slowhttptest clang"
# The browser UI is built with Node (Vite); Debian 12 has Node 18 and npm.
# A machine that already has a node (a newer one, say) keeps it.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || BUILD="$BUILD nodejs npm"
# Browser tests: Debian's chromium driven by playwright-core (web/tests); the
# CJK fonts of the build list make the screenshots show the Chinese pages.
TEST="$TEST chromium"

want="$BUILD"
[ "${1:-}" = "--test" ] && want="$BUILD $TEST"
[ "${1:-}" = "--proof" ] && want="$BUILD $TEST $PROOF"

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root; install these packages first:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
