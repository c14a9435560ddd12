# Kite: gdb-multiarch reads this when started in the project directory
# (if it refuses, add "add-auto-load-safe-path /path/to/kite/.gdbinit"
# to ~/.gdbinit, or run: gdb-multiarch -x .gdbinit).
set confirm off
set architecture riscv:rv64
file build/kernel.elf
target remote localhost:1234
# stop in the kernel once paging is on (the ELF's addresses are virtual)
break kmain
echo \nKite: connected to QEMU; 'continue' boots to kmain.\n
