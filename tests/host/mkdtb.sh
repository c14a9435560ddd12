#!/bin/sh
# tests/host/mkdtb.sh OUT_DIR - dump QEMU virt device trees for test_fdt.
#
# Writes OUT_DIR/virt-smp1.dtb, virt-smp4.dtb and virt-smp8.dtb, and
# OUT_DIR/specs.txt describing them for test_fdt, one per line, as
# FILE:NHARTS:MEM_BYTES_HEX:BOOTARGS (run "test_fdt @OUT_DIR/specs.txt"). QEMU only accepts -append together with
# -kernel, and refuses an empty kernel file, so a 4-byte stub is passed.
# QEMU gets no console on stdio (its UART goes to a null chardev), and its
# messages go to OUT_DIR/NAME.log, shown if it fails: nothing here reads
# or writes /dev/null, which may be a file other programs share.
set -eu

out=${1:?usage: mkdtb.sh OUT_DIR}
qemu=${QEMU:-qemu-system-riscv64}
mkdir -p "$out"
stub=$out/stub.bin
printf '\023\000\000\000' >"$stub"     # one RISC-V nop, never run

dump() # name smp mem [bootargs]
{
	name=$1 smp=$2 mem=$3
	shift 3
	"$qemu" -machine "virt,dumpdtb=$out/$name.dtb" -smp "$smp" -m "$mem" \
		-display none -monitor none -serial null -parallel none \
		-bios default -kernel "$stub" "$@" >"$out/$name.log" 2>&1 || {
		echo "mkdtb.sh: $qemu failed for $name:" >&2
		cat "$out/$name.log" >&2
		exit 1
	}
}

dump virt-smp1 1 128M -append "log=info hz=100"
dump virt-smp4 4 256M -append "ktest"
dump virt-smp8 8 2G

cat >"$out/specs.txt" <<SPECS
$out/virt-smp1.dtb:1:8000000:log=info hz=100
$out/virt-smp4.dtb:4:10000000:ktest
$out/virt-smp8.dtb:8:80000000:
SPECS
