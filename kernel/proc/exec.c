/*
 * exec.c - process images: apps by name, arguments, ELF loading, the
 * initial stack.
 *
 * exec_build() makes a complete new address space before anything else
 * changes, so execve can fail at any point and leave the caller's image
 * untouched, and spawn can create a child without copying anything.
 *
 * Initial stack (docs/USER.md, "Loading"), from the top of the stack down:
 *
 *   strings of argv[] and envp[], 16 random bytes (AT_RANDOM's)
 *   (padding to 16 bytes)
 *   auxv: AT_PAGESZ 4096, AT_CLKTCK, AT_ENTRY, AT_RANDOM, AT_NULL 0
 *                                          <- pairs of 8-byte words
 *   envp[0..envc-1], NULL
 *   argv[0..argc-1], NULL
 *   argc                                   <- sp, 16-byte aligned
 */
#include "arch/arch.h"
#include "kernel/clock.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/vmspace.h"
#include "proc/apps.h"
#include "proc/elf.h"
#include "proc/exec.h"
#include "proc/proc.h"
#include "uapi/errno.h"

#define AT_NULL 0
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_CLKTCK 17
#define AT_RANDOM 25
#define AUXV_WORDS 10 /* the pairs above, AT_NULL's too */
#define RANDOM_BYTES 16

/* Bytes for AT_RANDOM (glibc seeds its stack and pointer guards from
 * them): the time counter stirred by splitmix64. Not secret - Kite has
 * no entropy source - but different for every exec. */
static void random_fill(uint8_t *out, size_t n)
{
	static uint64_t state; /* [atomic] */
	uint64_t x = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ULL,
					__ATOMIC_RELAXED) ^ arch_time_counter();

	for (size_t i = 0; i < n; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		out[i] = (uint8_t)(z ^ (z >> 31));
	}
}

uint64_t app_count(void)
{
	return kite_apps.count;
}

const struct app *app_get(uint64_t i)
{
	return i < kite_apps.count ? &kite_apps.apps[i] : NULL;
}

const struct app *app_find(const char *name)
{
	if (name[0] == '.' && name[1] == '/')
		name += 2;
	else if (name[0] == '/')
		name += 1;
	for (uint64_t i = 0; i < kite_apps.count; i++)
		if (strcmp(kite_apps.apps[i].name, name) == 0)
			return &kite_apps.apps[i];
	return NULL;
}

int exec_args_add(struct exec_args *a, const char *s, bool env)
{
	size_t len = strlen(s) + 1;
	int *n = env ? &a->envc : &a->argc;
	char **v = env ? a->envp : a->argv;

	if (*n >= EXEC_MAX_ARGS || len > EXEC_MAX_ARG_BYTES - a->used)
		return -E2BIG;
	v[*n] = a->buf + a->used;
	memcpy(v[*n], s, len);
	a->used += len;
	v[++*n] = NULL;
	return 0;
}

/* Copy one NULL-terminated array of user strings into a. */
static int args_array_from_user(struct vmspace *vm, uint64_t uarr,
				struct exec_args *a, bool env)
{
	int *n = env ? &a->envc : &a->argc;
	char **v = env ? a->envp : a->argv;

	for (int i = 0; uarr; i++) {
		uint64_t ustr;
		long len;

		if (i > EXEC_MAX_ARGS)
			return -E2BIG;
		if (copy_from_user(vm, &ustr, uarr + (uint64_t)i * 8, 8))
			return -EFAULT;
		if (!ustr)
			break;
		if (i == EXEC_MAX_ARGS || a->used >= EXEC_MAX_ARG_BYTES)
			return -E2BIG;
		len = strncpy_from_user(vm, a->buf + a->used, ustr,
					EXEC_MAX_ARG_BYTES - a->used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return (int)len;
		v[(*n)++] = a->buf + a->used;
		v[*n] = NULL;
		a->used += (size_t)len + 1;
	}
	return 0;
}

int exec_args_from_user(struct vmspace *vm, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a)
{
	int err;

	a->argc = a->envc = 0;
	a->argv[0] = a->envp[0] = NULL;
	a->used = 0;
	err = args_array_from_user(vm, uargv, a, false);
	return err ? err : args_array_from_user(vm, uenvp, a, true);
}

/* Map the ELF's segments as regions backed by the app's bytes: nothing
 * is copied now; pages come in on first touch (read-only ones straight
 * from the kernel image when the app is page-aligned there). */
static int load_segments(struct vmspace *vm, const struct app *app,
			 const struct elf_image *elf)
{
	for (int i = 0; i < elf->nsegs; i++) {
		const struct elf_segment *s = &elf->segs[i];
		vaddr_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		vaddr_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		uint64_t lead = s->vaddr - start;
		/* region byte x is file byte offset - lead + x: the bytes of
		 * the first page before the segment come from the file too
		 * (as Linux maps them) when the file has them */
		const uint8_t *base =
			(const uint8_t *)((uintptr_t)app->data + s->offset - lead);
		int err;

		err = vmspace_map_image(vm, start, end, s->prot,
					(s->prot & VM_WRITE) ? VMR_DATA : VMR_CODE,
					base, s->offset >= lead ? 0 : lead,
					lead + s->filesz);
		if (err)
			return err;
	}
	return 0;
}

/* Lay out argc/argv/envp/auxv at the top of the new stack. */
static int build_stack(struct vmspace *vm, const struct exec_args *a,
		       uint64_t entry, struct exec_image *img)
{
	size_t strings = RANDOM_BYTES, words, size;
	uint64_t str_at, sp, *w;
	char *frame;
	int i, k = 0;
	int err;

	for (i = 0; i < a->argc; i++)
		strings += strlen(a->argv[i]) + 1;
	for (i = 0; i < a->envc; i++)
		strings += strlen(a->envp[i]) + 1;
	words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + AUXV_WORDS;
	str_at = USER_STACK_TOP - strings;
	sp = ALIGN_DOWN(str_at - words * 8, 16);
	size = USER_STACK_TOP - sp;
	if (size > STACK_INIT_SIZE / 2)
		return -E2BIG;
	frame = kzalloc(size);
	if (!frame)
		return -ENOMEM;
	w = (uint64_t *)frame;
	w[k++] = (uint64_t)a->argc;
	for (int pass = 0; pass < 2; pass++) {
		char *const *v = pass ? a->envp : a->argv;
		int n = pass ? a->envc : a->argc;

		for (i = 0; i < n; i++) {
			size_t len = strlen(v[i]) + 1;

			memcpy(frame + (str_at - sp), v[i], len);
			w[k++] = str_at;
			str_at += len;
		}
		w[k++] = 0;
	}
	random_fill((uint8_t *)frame + (str_at - sp), RANDOM_BYTES);
	w[k++] = AT_PAGESZ;
	w[k++] = PAGE_SIZE;
	w[k++] = AT_CLKTCK;
	w[k++] = clock_hz;
	w[k++] = AT_ENTRY;
	w[k++] = entry;
	w[k++] = AT_RANDOM;
	w[k++] = str_at;
	w[k++] = AT_NULL;
	w[k++] = 0;
	assert(k <= (int)words);
	err = vmspace_write(vm, sp, frame, size);
	kfree(frame);
	img->sp = sp;
	img->argv = sp + 8;
	img->argc = a->argc;
	return err;
}

/* Bytes of address space the new image maps at start: its segments and
 * the stack. */
static uint64_t image_bytes(const struct elf_image *elf)
{
	uint64_t n = STACK_INIT_SIZE;

	for (int i = 0; i < elf->nsegs; i++)
		n += ALIGN_UP(elf->segs[i].vaddr + elf->segs[i].memsz, PAGE_SIZE) -
		     ALIGN_DOWN(elf->segs[i].vaddr, PAGE_SIZE);
	return n;
}

int exec_build(const struct app *app, const struct exec_args *a,
	       struct exec_image *img)
{
	struct elf_image *elf = kmalloc(sizeof(*elf));
	struct vmspace *vm = NULL;
	int err = -ENOMEM;

	if (!elf)
		return -ENOMEM;
	err = elf_parse(app->data, app->size, elf);
	if (err)
		goto out;
	err = -ENOMEM;
	if (image_bytes(elf) > proc_rlimit(RLIMIT_AS))
		goto out; /* as Linux: the image would pass RLIMIT_AS */
	vm = vmspace_create();
	if (!vm)
		goto out;
	err = load_segments(vm, app, elf);
	if (!err)
		err = vmspace_init_layout(vm, ALIGN_UP(elf->highest, PAGE_SIZE),
					  proc_rlimit(RLIMIT_STACK));
	if (!err)
		err = build_stack(vm, a, elf->entry, img);
	if (err)
		goto out;
	img->vm = vm;
	img->entry = elf->entry;
	vm = NULL;
out:
	if (vm)
		vmspace_put(vm);
	kfree(elf);
	return err;
}
