#!/usr/bin/env bash
# make demo: the job msikit exists for, from what a sysadmin downloaded:
# the KB977203 download replica (fixtures/kb977203, built by fixtures/gen
# from the article's file list; not Microsoft's package), a
# self-extracting, password-protected ZIP holding the hotfix package.
# Get CCMCertFix.exe out of it in one command, without Windows, show what
# it is, and check the download against the article.
set -euo pipefail
cd "$(dirname "$0")/.."
m=bin/msikit
dl=fixtures/kb977203/977203-SP2_ENU_i386_zip.exe
pw=KB977203-replica # fixtures/kb977203/README.md
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step() { printf '\n$ %s\n' "$*"; "$@"; }
step $m list "$dl" --password "$pw"
step $m extract -r "$dl" --password "$pw" --only CCMCertFix.exe -o "$out"
util="$out/SCCM2007-SP2-KB977203-ENU.msi.extracted/Logs/KB977203/CCMCertFix.exe"
step $m pe "$util"
# The same bytes as the package holds.
step $m extract fixtures/kb977203/SCCM2007-SP2-KB977203-ENU.msi -q -o "$out/direct" --only CCMCertFix.exe
cmp "$util" "$out/direct/Logs/KB977203/CCMCertFix.exe" && echo "CCMCertFix.exe: the bytes the package holds"
step $m verify "$dl" --password "$pw" --manifest kb977203 --variant auto
