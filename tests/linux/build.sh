#!/bin/sh
# tests/linux/build.sh - build the Linux programs of tests/linux/ with
# Debian's riscv64 glibc cross compiler (tests/linux/README.md).
#
# Usage:  tests/linux/build.sh OUTDIR     (make extra: OUTDIR = build/extra)
#
# Each tests/linux/NAME.c becomes OUTDIR/lx_NAME, a static glibc program
# (riscv64-linux-gnu-gcc -static -pthread ... -lm, stripped), which
# `make APPS_EXTRA=OUTDIR` embeds in the kernel as app lx_NAME. A program
# is rebuilt only when its source (or this script) is newer. Without the
# compiler or glibc's static libraries nothing is built and a note names
# `make deps`; tests/jobs_linux.py then fails with the same advice.
set -eu

out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
cc=${GLIBC_CC:-riscv64-linux-gnu-gcc}
cflags="-static -O2 -g0 -s -pthread -Wall -Wextra -Werror -fno-builtin"

mkdir -p "$out"
# (the probe keeps its output in a variable: /dev/null may be a file
# other programs share)
if ! _=$(command -v "$cc" 2>&1); then
	echo "build.sh: no $cc: tests/linux not built (run make deps)" >&2
	exit 0
fi
libc=$("$cc" -print-file-name=libc.a)
if [ ! -f "$libc" ]; then
	echo "build.sh: no static glibc for $cc: tests/linux not built (run make deps)" >&2
	exit 0
fi
tmp="$out/.tmp-linux"
rm -rf "$tmp"
mkdir -p "$tmp"
for src in "$here"/*.c; do
	name=lx_$(basename "$src" .c)
	if [ -f "$out/$name" ] && [ "$out/$name" -nt "$src" ] &&
		[ "$out/$name" -nt "$here/build.sh" ]; then
		continue
	fi
	if ! "$cc" $cflags -o "$tmp/$name" "$src" -lm; then
		echo "build.sh: $src did not build (for glibc's static libraries: make deps)" >&2
		rm -rf "$tmp"
		exit 1
	fi
	echo "  LX      $out/$name"
	mv "$tmp/$name" "$out/$name"
done
rmdir "$tmp"
