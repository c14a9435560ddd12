# user/user.mk - user space: the library, the apps, and the kernel's table
# of embedded apps. Included by the top-level Makefile (B, K, CC, Q,
# PYTHON, KASFLAGS and KLIBGCC come from there).
#
#   build/user/lib/*.o     user/lib/*.c *.S (crt0.o is linked first)
#   build/user/klib/*.o    kernel/lib/printf.c and string.c, built for user
#   build/user/NAME.elf    one static program per user/apps/NAME.c, and one
#                          per directory user/apps/NAME/ (all its *.c, which
#                          may include .h files beside them; objects in
#                          build/user/apps/NAME/)
#   build/apps.S, apps.o   tools/mkapps.py: .incbin of every app + kite_apps
#
# The kernel links $(B)/apps.o through KEXTRA_OBJS. APPS_EXTRA="DIR..." embeds
# every regular file in those directories as well (under its file name);
# build/apps.cfg records the setting and the apps so that changing either
# (an app removed, too) rebuilds the table.

U := user
UB := $(B)/user
APPS_EXTRA ?=

UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-I$(U)/include -I$(K)/include -D__KITE_USER__ \
	-fno-omit-frame-pointer -fno-stack-protector -fno-pie -fno-common \
	-mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
	-ffunction-sections -fdata-sections -MMD -MP
ULDFLAGS := -nostdlib -static -no-pie -T $(U)/user.ld -Wl,--gc-sections \
	-Wl,--build-id=none -Wl,-z,max-page-size=4096

UCRT0 := $(UB)/lib/crt0.o
ULIB_OBJS := $(patsubst $(U)/lib/%,$(UB)/lib/%.o,$(basename \
	$(sort $(wildcard $(U)/lib/*.c $(U)/lib/*.S)))) \
	$(UB)/klib/printf.o $(UB)/klib/string.o
ULIB_OBJS := $(filter-out $(UCRT0),$(ULIB_OBJS))
# An app is a file user/apps/NAME.c or a directory user/apps/NAME/ of .c
# files (not below it); both link to build/user/NAME.elf.
UAPP_SRCS := $(sort $(wildcard $(U)/apps/*.c))
UAPP_DIRS := $(sort $(patsubst $(U)/apps/%/,%,$(dir $(wildcard $(U)/apps/*/*.c))))
$(foreach a,$(filter $(UAPP_DIRS),$(notdir $(UAPP_SRCS:.c=))),\
	$(error user/apps/$(a).c and user/apps/$(a)/ are both app $(a)))
UAPP_OBJS := $(patsubst $(U)/apps/%.c,$(UB)/apps/%.o,$(UAPP_SRCS) \
	$(sort $(wildcard $(U)/apps/*/*.c)))
UAPPS := $(sort $(patsubst $(U)/apps/%.c,$(UB)/%.elf,$(UAPP_SRCS)) \
	$(UAPP_DIRS:%=$(UB)/%.elf))

KEXTRA_OBJS += $(B)/apps.o

.PHONY: user kite-user-force
# objects only named by pattern rules are intermediates, which make deletes
.SECONDARY: $(UCRT0) $(ULIB_OBJS) $(UAPP_OBJS)
user: $(UAPPS)

# These rules have shorter stems than the kernel's $(B)/%.o ones, so make
# prefers them for files under build/user.
$(UB)/lib/%.o: $(U)/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/lib/%.o: $(U)/lib/%.S
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	$(Q)$(CC) $(UCFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(UB)/klib/%.o: $(K)/lib/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UB)/apps/%.o: $(U)/apps/%.c
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

# crt0 first, then the app's objects (the prerequisites under
# build/user/apps), then the library
ULINK = $(Q)$(CC) $(UCFLAGS) $(ULDFLAGS) -o $@ $(UCRT0) \
	$(filter $(UB)/apps/%.o,$^) $(ULIB_OBJS) $(KLIBGCC)

$(UB)/%.elf: $(UB)/apps/%.o $(UCRT0) $(ULIB_OBJS) $(U)/user.ld
	@echo "  ULD     $@"
	$(ULINK)

# A directory app: an explicit rule each, which beats the pattern above.
# The directory is a prerequisite too: its date changes when a file in it
# is removed or renamed, which relinks the app without that object.
define UAPP_DIR_RULE
$(UB)/$(1).elf: $(patsubst $(U)/apps/%.c,$(UB)/apps/%.o,$(sort \
		$(wildcard $(U)/apps/$(1)/*.c))) $(U)/apps/$(1) \
		$(UCRT0) $(ULIB_OBJS) $(U)/user.ld
	@echo "  ULD     $$@"
	$$(ULINK)
endef
$(foreach a,$(UAPP_DIRS),$(eval $(call UAPP_DIR_RULE,$(a))))

-include $(UCRT0:.o=.d) $(ULIB_OBJS:.o=.d) $(UAPP_OBJS:.o=.d)

# ---- the app table linked into the kernel ---------------------------------
UAPPS_EXTRA_FILES := $(sort $(foreach d,$(APPS_EXTRA),$(wildcard $(d)/*)))
UAPPS_CFG_TEXT := $(notdir $(UAPPS:.elf=)) \
	$(if $(APPS_EXTRA),$(abspath $(APPS_EXTRA)) $(notdir $(UAPPS_EXTRA_FILES)))

# rewritten only when the text changes, so its date says when it did
$(B)/apps.cfg: kite-user-force
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' '$(UAPPS_CFG_TEXT)' | cmp -s - $@ || \
		printf '%s\n' '$(UAPPS_CFG_TEXT)' > $@

$(B)/apps.S: $(UAPPS) $(UAPPS_EXTRA_FILES) $(B)/apps.cfg tools/mkapps.py
	$(Q)$(PYTHON) tools/mkapps.py -o $@ $(foreach d,$(APPS_EXTRA),--extra $(d)) $(UAPPS)

$(B)/apps.o: $(B)/apps.S
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
