#!/bin/sh
# tests/extra/build.sh - build the extra test programs for APPS_EXTRA.
#
# Usage:  tests/extra/build.sh OUTDIR     (make extra: OUTDIR = build/extra)
#
# Writes into OUTDIR, which `make APPS_EXTRA=OUTDIR` then embeds in the
# kernel under these names (usertests and tests/run.py use them):
#
#   static_hello   tests/extra/static_hello.c, built OUTSIDE Kite's user
#                  library: -nostdlib -static with the toolchain's own
#                  linker script, its own _start and ecall stubs
#   vm_cases       tests/extra/vm_cases.c with vm_rt.c and the vm_*.c cases,
#                  built the same way: what Linux does with mmap, munmap,
#                  mprotect, madvise, mremap and brk, a case per line
#                  (tests/run.py runs it under qemu-riscv64-static and on
#                  Kite and compares)
#   bad_truncated, bad_machine, bad_overlap, bad_entry
#                  malformed copies of build/user/hello.elf made by
#                  tests/extra/mkbad.py (the loader must refuse them)
#
# build/user/hello.elf must exist (make user). TOOLPREFIX and PYTHON are
# taken from the environment, as the Makefile passes them.
set -eu

out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cc=${TOOLPREFIX:-riscv64-unknown-elf-}gcc
python=${PYTHON:-python3}
hello=$root/build/user/hello.elf

if [ ! -f "$hello" ]; then
	echo "build.sh: $hello missing (run make user first)" >&2
	exit 1
fi
mkdir -p "$out"

# Build into a scratch directory, then move each file into place only if
# it changed: an interrupted build never leaves a half-written app, and an
# unchanged one does not make the kernel relink.
tmp="$out/.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
"$cc" -nostdlib -static -march=rv64imac_zicsr -mabi=lp64 -O2 \
	-fno-builtin -ffreestanding -Wall -Wextra -Werror \
	-o "$tmp/static_hello" "$here/static_hello.c"
"$cc" -nostdlib -static -march=rv64imac_zicsr_zifencei -mabi=lp64 -O2 \
	-fno-builtin -ffreestanding -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -o "$tmp/vm_cases" \
	"$here"/vm_*.c
"$python" "$here/mkbad.py" "$hello" "$tmp"
for f in "$tmp"/*; do
	name=$(basename "$f")
	if cmp -s "$f" "$out/$name"; then
		rm "$f"
	else
		echo "  EXTRA   $out/$name"
		mv "$f" "$out/$name"
	fi
done
rmdir "$tmp"
