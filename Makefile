# Kite - build, run and test. `make help` lists the targets.
#
# Options: CPUS=1..8 (harts, default 4), MEM=size (default 128M),
# SWAP=size of the swap disk (default 64M, 0: none),
# LOG=error|warn|info|debug (default warn), HZ=ticks per second,
# BOOTARGS="extra words", TOOLPREFIX=riscv64-unknown-elf-,
# INIT="prog args" and TIMEOUT=seconds (make run, make trace),
# TRACE=1 (make run, make qemu: the event trace on, then build/trace.*).

TOOLPREFIX ?= riscv64-unknown-elf-
CC := $(TOOLPREFIX)gcc
OBJDUMP := $(TOOLPREFIX)objdump
NM := $(TOOLPREFIX)nm
QEMU ?= qemu-system-riscv64
PYTHON ?= /usr/bin/python3

CPUS ?= 4
MEM ?= 128M
# The swap disk: `qemu` and `run` attach build/swap.img, made afresh
# (sparse) each time; every other QEMU (ktest, test, bench, soak) gets a
# private image of this size from tools/qemu_disk.py, which reads SWAP
# from the environment.
SWAP ?= 64M
export SWAP
LOG ?=
HZ ?=
BOOTARGS ?=
TRACE ?=

B := build
K := kernel

KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fno-common \
	-fno-omit-frame-pointer -fno-stack-protector -fno-pie \
	-mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-I$(K)/include -I$(K)/arch/riscv/include -MMD -MP
KASFLAGS := $(KCFLAGS) -D__ASSEMBLER__
# libgcc of the matching multilib (the _zicsr suffix defeats gcc's lookup)
KLIBGCC := $(shell $(CC) -march=rv64imac -mabi=lp64 -print-libgcc-file-name)
KLDFLAGS := -nostdlib -static -no-pie -Wl,--no-warn-rwx-segments \
	-T $(K)/arch/riscv/kernel.ld -Wl,--build-id=none

KSRCS := $(sort $(wildcard $(K)/arch/riscv/*.c $(K)/arch/riscv/*.S \
	$(K)/core/*.c $(K)/dev/*.c $(K)/lib/*.c $(K)/mm/*.c $(K)/proc/*.c \
	$(K)/sched/*.c $(K)/syscall/*.c $(K)/test/*.c $(K)/cap/*.c \
	$(K)/signal/*.c $(K)/trace/*.c $(K)/file/*.c))
KOBJS := $(patsubst %,$(B)/%.o,$(basename $(KSRCS)))

.PHONY: all qemu qemu-gdb gdb gdb-user run trace ktest bench soak test host-test extra lint deps ensure-deps clean help swap-image

all: $(B)/kernel.elf

# V=1 shows the full commands
Q := $(if $(V),,@)

# Objects linked into the kernel besides KOBJS: user/user.mk adds
# $(B)/apps.o, the embedded user apps (proc/apps.h).
KEXTRA_OBJS :=
include user/user.mk

$(B)/kernel.elf: $(KOBJS) $(KEXTRA_OBJS) $(K)/arch/riscv/kernel.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(KCFLAGS) $(KLDFLAGS) -o $@ $(KOBJS) $(KEXTRA_OBJS) $(KLIBGCC)
	$(Q)$(NM) -n $@ > $(B)/kernel.sym
	$(Q)$(OBJDUMP) -d $@ > $(B)/kernel.asm

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(B)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

-include $(KOBJS:.o=.d)

# ---- running -------------------------------------------------------------
QEMU_BOOTARGS := $(strip $(if $(LOG),log=$(LOG)) $(if $(HZ),hz=$(HZ)) \
	$(if $(TRACE),trace) $(BOOTARGS))
# TRACE=1: the console's trace lines are kept in build/trace.log and
# turned into build/trace.json, trace.html and trace.png (docs/TRACE.md)
TRACE_CONVERT = $(PYTHON) tools/trace.py convert $(B)/trace.log
SWAP_IMG := $(B)/swap.img
NO_SWAP := $(filter 0 0K 0M 0G,$(SWAP))
QEMU_DISK := $(if $(NO_SWAP),,-global virtio-mmio.force-legacy=false \
	-drive file=$(SWAP_IMG),if=none,format=raw,id=swap \
	-device virtio-blk-device,drive=swap)
QEMUOPTS = -machine virt -bios default -nographic -smp $(CPUS) -m $(MEM) \
	-kernel $(B)/kernel.elf -append "$(QEMU_BOOTARGS)" $(QEMU_DISK)

# A fresh sparse image each time: a new file, so a QEMU still running on
# the old one (which it locks) keeps it and never clashes with this one.
swap-image:
	@mkdir -p $(B)
	@rm -f $(SWAP_IMG)
	$(if $(NO_SWAP),,@truncate -s $(SWAP) $(SWAP_IMG))

# The console goes through tools/symbolize.py --stream, which passes every
# byte on at once and adds function and line to a panic's backtrace; make
# ends with QEMU's status (3 after a panic, N after the shell's exit N).
qemu: ensure-deps swap-image
	@$(MAKE) --no-print-directory all
	@echo "$(QEMU) $(QEMUOPTS)"
	@{ $(QEMU) $(QEMUOPTS); echo $$? > $(B)/qemu.status; } | \
		$(if $(TRACE),tee $(B)/trace.log |) \
		$(PYTHON) tools/symbolize.py --stream; \
		st=$$(cat $(B)/qemu.status);$(if $(TRACE), $(TRACE_CONVERT);) exit $$st

# Waits for gdb on localhost:1234; in another terminal: make gdb
# (gdb-multiarch with .gdbinit: loads build/kernel.elf and connects).
qemu-gdb: ensure-deps swap-image
	@$(MAKE) --no-print-directory all
	@echo "*** waiting for gdb: run 'make gdb' in another terminal here"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::1234

gdb:
	gdb-multiarch -x .gdbinit

# The kernel's symbols and an app's (make gdb-user APP=hello), against
# make qemu-gdb: "hbreak main", "continue", then run the app. A hardware
# breakpoint, as the app is not mapped until it runs; every app is linked
# at the same addresses, so it stops whichever process runs that address
# (README.md, "Debugging with gdb").
APP ?= hello
gdb-user: $(UB)/$(APP).elf
	gdb-multiarch -x .gdbinit -ex "add-symbol-file $(UB)/$(APP).elf" \
		-ex "echo Kite: symbols of $(APP) loaded; hbreak main, continue, then run $(APP)\n"

# Run one program as init: only its output. make succeeds when the program
# exits 0 (tools/run.py itself exits with the program's status).
#   make run INIT="fact"      (add CPUS=, MEM=, LOG= as for qemu)
#   make run INIT=spin TIMEOUT=5   gives up after 5 s (tools/run.py exits 124)
# The build's own output goes to build/run-build.log (shown if it fails).
INIT ?= hello
TIMEOUT ?= 0
run: ensure-deps swap-image
	@mkdir -p $(B)
	@$(MAKE) --no-print-directory all >$(B)/run-build.log 2>&1 || \
		{ cat $(B)/run-build.log >&2; exit 1; }
	@$(PYTHON) tools/run.py --cpus $(CPUS) --mem $(MEM) --timeout $(TIMEOUT) \
		$(if $(NO_SWAP),--swap 0,--swap-image $(SWAP_IMG)) \
		$(if $(TRACE),--trace-log $(B)/trace.log) \
		--bootargs '$(QEMU_BOOTARGS)' -- $(INIT)$(if $(TRACE),; \
		st=$$?; $(TRACE_CONVERT) >&2; exit $$st)

# Run one program with the event trace on (docs/TRACE.md): its output,
# then build/trace.log (the console), trace.json (Perfetto,
# chrome://tracing), trace.html (open it in a browser) and trace.png.
#   make trace INIT="tracedemo" CPUS=2
trace: ensure-deps
	@mkdir -p $(B)
	@$(MAKE) --no-print-directory all >$(B)/run-build.log 2>&1 || \
		{ cat $(B)/run-build.log >&2; exit 1; }
	@$(PYTHON) tools/trace.py run --cpus $(CPUS) --mem $(MEM) \
		--timeout $(if $(filter 0,$(TIMEOUT)),300,$(TIMEOUT)) \
		--bootargs '$(filter-out trace,$(QEMU_BOOTARGS))' -- $(INIT)

# In-kernel tests: exits with the kernel's status (0 = all passed).
ktest: ensure-deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tests/qemu_run.py --cpus $(CPUS) --mem $(MEM) --timeout 120 \
		-- ktest $(QEMU_BOOTARGS)

# Micro-benchmarks: instructions/op under -icount on 1 hart, ns/op plain;
# prints a table and saves build/bench.json.
bench: ensure-deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tools/bench.py

# Minutes of stress and fault injection (outside make test): the fuzzer,
# failalloc runs, the stress app, ktest, round after round with new seeds.
SOAK_MINUTES ?= 10
soak: ensure-deps
	@$(MAKE) --no-print-directory extra
	@$(MAKE) --no-print-directory all APPS_EXTRA="$(B)/extra $(APPS_EXTRA)"
	$(PYTHON) tools/soak.py --minutes $(SOAK_MINUTES) --cpus $(CPUS)

# ---- tests ---------------------------------------------------------------
HOST_CC ?= cc
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -DKITE_HOST_TEST -Itests/host/shim -I$(K)/include \
	-I$(K)/arch/riscv/include
HOST_TESTS := printf fdt fdt_virtio buddy kmalloc heap pid elf virtq swap_slots cap_slots \
	sigset chacha iovec
HOST_BINS := $(addprefix $(B)/host/test_,$(HOST_TESTS))
# every host test is rebuilt when any header changes (four small programs)
HOST_COMMON := tests/host/check.c $(wildcard $(K)/include/*/*.h tests/host/*.h tests/host/shim/*/*.h)

$(B)/host/test_printf: tests/host/test_printf.c $(K)/lib/printf.c $(K)/lib/string.c $(HOST_COMMON)
$(B)/host/test_fdt: tests/host/test_fdt.c $(K)/lib/fdt.c $(K)/lib/string.c $(HOST_COMMON)
$(B)/host/test_fdt_virtio: tests/host/test_fdt_virtio.c $(K)/lib/fdt.c $(K)/lib/string.c $(HOST_COMMON)
$(B)/host/test_buddy: tests/host/test_buddy.c $(K)/mm/buddy.c $(HOST_COMMON)
$(B)/host/test_heap: tests/host/test_heap.c tests/host/test_heap_wrap.c $(K)/lib/heap.c $(HOST_COMMON)
$(B)/host/test_pid: tests/host/test_pid.c $(K)/proc/pid.c $(HOST_COMMON)
$(B)/host/test_elf: tests/host/test_elf.c $(K)/proc/elf.c $(HOST_COMMON)
$(B)/host/test_virtq: tests/host/test_virtq.c $(K)/dev/virtq.c $(K)/lib/string.c $(HOST_COMMON)
$(B)/host/test_swap_slots: tests/host/test_swap_slots.c $(K)/mm/swap_slots.c $(HOST_COMMON)
$(B)/host/test_cap_slots: tests/host/test_cap_slots.c $(K)/cap/slots.c $(HOST_COMMON)
$(B)/host/test_sigset: tests/host/test_sigset.c $(K)/signal/sigset.c $(HOST_COMMON)
$(B)/host/test_chacha: tests/host/test_chacha.c $(K)/lib/chacha.c $(K)/lib/string.c $(HOST_COMMON)
$(B)/host/test_iovec: tests/host/test_iovec.c $(K)/lib/iovec.c $(HOST_COMMON)
$(B)/host/test_kmalloc: tests/host/test_kmalloc.c tests/host/fake_pmm.c \
	$(K)/mm/buddy.c $(K)/mm/kmalloc.c $(K)/lib/string.c $(HOST_COMMON)

$(B)/host/test_%:
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(filter %.c,$^) -o $@

host-test: $(HOST_BINS)

# Extra apps for APPS_EXTRA (tests/extra/build.sh): static_hello, built
# without the user library, and malformed ELFs the loader must refuse.
# tests/linux/build.sh adds the Linux suite, lx_NAME (static glibc).
extra: $(UB)/hello.elf
	$(Q)TOOLPREFIX=$(TOOLPREFIX) PYTHON=$(PYTHON) sh tests/extra/build.sh $(B)/extra
	$(Q)sh tests/linux/build.sh $(B)/extra

# The kernel under test embeds the extra apps (usertests, static_hello).
test: ensure-deps
	@$(MAKE) --no-print-directory extra
	@$(MAKE) --no-print-directory all host-test APPS_EXTRA="$(B)/extra $(APPS_EXTRA)"
	$(PYTHON) tests/run.py

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --std=c11 -I$(K)/include -I$(K)/arch/riscv/include \
		-D__riscv -U KITE_HOST_TEST $(K)

# ---- set-up --------------------------------------------------------------
deps:
	@tools/deps.sh install

ensure-deps:
	@tools/deps.sh ensure

clean:
	rm -rf $(B)

help:
	@echo "make qemu      boot Kite (CPUS=$(CPUS) MEM=$(MEM) SWAP=$(SWAP) LOG=$(or $(LOG),warn)); Ctrl-A X quits"
	@echo "make test      every test; ends with 'N passed, N failed'"
	@echo "make run INIT=\"prog args\"  run one program (only its output; make fails if it does)"
	@echo "               TIMEOUT=S gives up after S seconds (status 124); TRACE=1 traces it"
	@echo "make trace INIT=\"prog args\"  run it with the event trace on: build/trace.json,"
	@echo "               trace.html, trace.png (docs/TRACE.md); TRACE=1 for make qemu too"
	@echo "make ktest     in-kernel tests only (exit status 0 = all passed)"
	@echo "make qemu-gdb  boot halted, waiting for gdb; then 'make gdb' in another terminal"
	@echo "make gdb-user APP=NAME  gdb with the kernel's and app NAME's symbols"
	@echo "make bench     micro-benchmarks (instructions and ns per operation)"
	@echo "make soak      SOAK_MINUTES=10 of fuzzing, fault injection and stress"
	@echo "make lint      cppcheck on kernel/"
	@echo "make deps      install the Debian packages Kite needs"
