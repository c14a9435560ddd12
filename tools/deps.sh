#!/bin/sh
# tools/deps.sh - install the Debian packages Kite needs.
#   deps.sh ensure   install only if a tool is missing (make qemu/test)
#   deps.sh install  same, but say so when everything is present
# As root it runs apt-get; otherwise it prints the one command to run.
set -e

# Probes keep their output in a variable ("_=$(...)" has the probe's
# status) rather than sending it to /dev/null, which may be a file that
# other programs share.

# tool -> package
need() {
	missing=""
	check() { _=$(command -v "$1" 2>&1) || missing="$missing $2"; }
	check qemu-system-riscv64 qemu-system-misc
	# vm_cases[linux] (tests/run.py): Linux's answers, under qemu-user
	check qemu-riscv64-static qemu-user-static
	# linux[...] (tests/jobs_linux.py): the static glibc programs of tests/linux/
	check riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
	[ -f /usr/riscv64-linux-gnu/lib/libc.a ] || missing="$missing libc6-dev-riscv64-cross"
	check riscv64-unknown-elf-gcc gcc-riscv64-unknown-elf
	check gdb-multiarch gdb-multiarch
	check cppcheck cppcheck
	check cc gcc
	check make make
	[ -x /usr/bin/python3 ] || missing="$missing python3"
	_=$(/usr/bin/python3 -c 'import pexpect' 2>&1) || missing="$missing python3-pexpect"
	# make trace's build/trace.png; the trace test's screenshot check (PIL)
	_=$(/usr/bin/python3 -c 'import matplotlib, PIL' 2>&1) || missing="$missing python3-matplotlib python3-pil"
	# trace/page[chromium] (tests/jobs_trace.py): the trace page, headless
	check chromium chromium
	# the host tests link ASan/UBSan
	_=$(echo 'int main(void){return 0;}' | cc -fsanitize=address,undefined \
		-x c - -o /tmp/kite-asan-check.$$ 2>&1) || missing="$missing libasan8 libubsan1"
	rm -f /tmp/kite-asan-check.$$
	echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ' | sed 's/^ *//; s/ *$//'
}

pkgs=$(need)
if [ -z "$pkgs" ]; then
	[ "$1" = install ] && echo "deps: everything Kite needs is installed"
	exit 0
fi
echo "deps: missing Debian packages: $pkgs"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run this once, then try again:"
	echo "  sudo apt-get update && sudo apt-get install -y $pkgs"
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $pkgs
left=$(need)
if [ -n "$left" ]; then
	echo "deps: still missing after apt-get: $left" >&2
	exit 1
fi
echo "deps: installed $pkgs"
