#!/bin/sh
# fuzz.sh - the daemon's fuzz target (tests/fuzz/fuzz_edit.c) replays its
# seed and thousands of deterministic mutations: no crash, no deletion past
# what was seen, no sanitizer report. Prints the target's TAP.
: "${top_srcdir:=$(pwd)}" "${top_builddir:=$(pwd)}"
exec "$top_builddir/tests/fuzz/fuzz_edit" -n 20000 "$top_srcdir/tests/fuzz/seeds/edit-forged.txt"
