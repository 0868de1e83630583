#!/usr/bin/env bash
# make demo: the job msikit exists for, on the bundled KB977203 replica
# (fixtures/kb977203, built by fixtures/gen from the article's file list;
# not Microsoft's package): get CCMCertFix.exe out of the hotfix without
# Windows, show what it is, and check the package against the article.
set -euo pipefail
cd "$(dirname "$0")/.."
m=bin/msikit
pkg=fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { printf '\n$ %s\n' "$*"; "$@"; }
step $m info "$pkg"
step $m extract "$pkg" -o "$out" --only CCMCertFix.exe
step $m pe "$out/Logs/KB977203/CCMCertFix.exe"
step $m verify "$pkg" --manifest kb977203 --variant auto
