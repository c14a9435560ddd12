# Kite: `make gdb` runs gdb-multiarch -x .gdbinit against `make qemu-gdb`.
set confirm off
set architecture riscv:rv64
file build/kernel.elf
target remote localhost:1234
# stop in the kernel once paging is on (the ELF's addresses are virtual)
break kmain
echo \nKite: connected to QEMU; 'continue' boots to kmain.\n
