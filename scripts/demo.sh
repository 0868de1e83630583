#!/usr/bin/env bash
# make demo: msikit on a bundled package. Until the KB977203 replica lands
# (fixtures/kb977203), the package is fixtures/hello.msi, built by wixl from
# fixtures/src/hello.wxs.
set -euo pipefail
cd "$(dirname "$0")/.."
m=bin/msikit
pkg=fixtures/hello.msi
step() { printf '\n$ %s\n' "$*"; "$@"; }
step $m info "$pkg"
step $m tables "$pkg"
step $m export "$pkg" File
step $m streams "$pkg"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
step $m streams "$pkg" --extract hello.cab -o "$out/hello.cab"
step $m cab list "$out/hello.cab"
