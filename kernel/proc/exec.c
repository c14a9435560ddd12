/*
 * exec.c - process images: apps by name, arguments, ELF loading, the
 * initial stack.
 *
 * exec_build() makes a complete new address space before anything else
 * changes, so execve can fail at any point and leave the caller's image
 * untouched, and spawn can create a child without copying anything.
 *
 * Arguments and environment come in with Linux's limits (proc/exec.h:
 * a string up to 128 KiB, all of them with their pointers up to a
 * quarter of RLIMIT_STACK), copied into frames taken one at a time, never
 * one big allocation; the caller frees them (exec_args_free) whatever
 * happens.
 *
 * Initial stack (docs/USER.md, "Loading"), from the top of the stack down:
 *
 *   strings of argv[] and envp[], 16 random bytes (AT_RANDOM's: the
 *   kernel's random generator, kernel/random.h)
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
#include "kernel/random.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "mm/memlayout.h"
#include "mm/pmm.h"
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

uint64_t app_count(void)
{
	return kite_apps.count;
}

const struct app *app_get(uint64_t i)
{
	return i < kite_apps.count ? &kite_apps.apps[i] : NULL;
}

/* Where a Linux program looks for commands: /bin/sh (system, popen),
 * /usr/bin/env... The apps are found there too. */
static const char *const app_dirs[] = { "/usr/bin/", "/bin/", "./", "/" };

const struct app *app_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_dirs); i++) {
		size_t n = strlen(app_dirs[i]);

		if (strncmp(name, app_dirs[i], n) == 0) {
			name += n;
			break;
		}
	}
	for (uint64_t i = 0; i < kite_apps.count; i++)
		if (strcmp(kite_apps.apps[i].name, name) == 0)
			return &kite_apps.apps[i];
	return NULL;
}

void exec_args_init(struct exec_args *a, uint64_t stack_rlim)
{
	a->argc = a->envc = 0;
	a->used = a->npages = 0;
	a->limit = MAX(MIN(stack_rlim / 4, EXEC_ARGS_MAX), EXEC_ARGS_MIN);
}

void exec_args_free(struct exec_args *a)
{
	while (a->npages)
		pmm_free_page(a->pages[--a->npages]);
	a->used = 0;
}

/* Bytes the strings may still take: the limit less the pointers
 * (argv's, at least one, and envp's). */
static size_t args_room(const struct exec_args *a)
{
	size_t ptrs = ((size_t)MAX(a->argc, 1) + (size_t)a->envc) * sizeof(uint64_t);

	return a->limit > ptrs + a->used ? a->limit - ptrs - a->used : 0;
}

/* The frame holding string byte off, taken now if it is new. */
static char *args_page(struct exec_args *a, size_t off)
{
	size_t i = off / PAGE_SIZE;

	assert(i < EXEC_ARGS_PAGES && i <= a->npages);
	if (i == a->npages) {
		a->pages[i] = pmm_alloc_page(0);
		if (!a->pages[i])
			return NULL;
		a->npages++;
	}
	return a->pages[i];
}

/* Append one string: from the kernel (ks) or from the user (vm, ustr),
 * at most room bytes with its NUL. On error nothing is appended. */
static int args_append(struct exec_args *a, struct vmspace *vm, uint64_t ustr,
		       const char *ks, size_t room)
{
	size_t start = a->used;
	long n;

	room = MIN(room, (size_t)EXEC_ARG_STRLEN);
	for (;;) {
		size_t off = a->used % PAGE_SIZE, done = a->used - start;
		size_t chunk = MIN(PAGE_SIZE - off, room - done);
		char *page;

		if (chunk == 0) {
			n = -E2BIG; /* no NUL within the room left */
			break;
		}
		page = args_page(a, a->used);
		if (!page) {
			n = -ENOMEM;
			break;
		}
		if (ks) {
			n = (long)strnlen(ks + done, chunk);
			memcpy(page + off, ks + done, (size_t)n < chunk ? (size_t)n + 1 : chunk);
			if ((size_t)n == chunk)
				n = -ENAMETOOLONG;
		} else {
			n = strncpy_from_user(vm, page + off, ustr + done, chunk);
			/* no NUL in this piece: take all of it and go on */
			if (n == -ENAMETOOLONG &&
			    copy_from_user(vm, page + off, ustr + done, chunk))
				n = -EFAULT;
		}
		if (n >= 0) {
			a->used += (size_t)n + 1;
			return 0;
		}
		if (n != -ENAMETOOLONG)
			break;
		a->used += chunk;
	}
	a->used = start;
	return (int)n;
}

int exec_args_add(struct exec_args *a, const char *s, bool env)
{
	int err;

	assert(env || a->envc == 0); /* argv's strings come first */
	if (env)
		a->envc++;
	else
		a->argc++;
	err = args_append(a, NULL, 0, s, args_room(a));
	if (err) {
		if (env)
			a->envc--;
		else
			a->argc--;
	}
	return err;
}

/* Entries of the NULL-terminated array at uarr (0: none): -EFAULT if it
 * cannot be read, -E2BIG past MAX_ARG_STRINGS. */
static long args_count(struct vmspace *vm, uint64_t uarr)
{
	long n = 0;

	for (uint64_t ustr = 1; uarr; n++) {
		if (n >= EXEC_MAX_STRINGS)
			return -E2BIG;
		if (copy_from_user(vm, &ustr, uarr + (uint64_t)n * 8, 8))
			return -EFAULT;
		if (!ustr)
			break;
		if (n % 4096 == 4095 && thread_killed(current()))
			return -EINTR; /* a huge list: a kill ends the walk */
	}
	return n;
}

/* Copy the n strings of the array at uarr. */
static int args_copy(struct vmspace *vm, uint64_t uarr, long n,
		     struct exec_args *a)
{
	for (long i = 0; i < n; i++) {
		uint64_t ustr;
		int err;

		if (copy_from_user(vm, &ustr, uarr + (uint64_t)i * 8, 8))
			return -EFAULT;
		if (!ustr)
			return -EFAULT; /* the array changed under us */
		err = args_append(a, vm, ustr, NULL, args_room(a));
		if (err)
			return err;
		if (i % 256 == 255 && thread_killed(current()))
			return -EINTR;
	}
	return 0;
}

int exec_args_from_user(struct vmspace *vm, uint64_t uargv, uint64_t uenvp,
			struct exec_args *a)
{
	long argc = args_count(vm, uargv), envc;
	int err;

	if (argc < 0)
		return (int)argc;
	envc = args_count(vm, uenvp);
	if (envc < 0)
		return (int)envc;
	/* the pointers alone must leave room (Linux: bprm_stack_limits) */
	if (((uint64_t)MAX(argc, 1) + (uint64_t)envc) * sizeof(uint64_t) >= a->limit)
		return -E2BIG;
	if (argc == 0) /* as Linux since 5.18: argv becomes { "", NULL } */
		return exec_args_add(a, "", false) ?:
		       (a->envc = (int)envc, args_copy(vm, uenvp, envc, a));
	a->argc = (int)argc;
	a->envc = (int)envc;
	err = args_copy(vm, uargv, argc, a);
	return err ? err : args_copy(vm, uenvp, envc, a);
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

/* Words for the new stack's pointer arrays, gathered a page at a time
 * and written below the strings. */
struct word_writer {
	struct vmspace *vm;
	uint64_t at;       /* user address of buf[0] */
	uint64_t *buf;     /* a frame */
	size_t n;          /* words in buf */
	int err;
};

static void words_flush(struct word_writer *w)
{
	if (w->n && !w->err)
		w->err = vmspace_write(w->vm, w->at, w->buf, w->n * 8);
	w->at += w->n * 8;
	w->n = 0;
}

static void words_put(struct word_writer *w, uint64_t word)
{
	w->buf[w->n++] = word;
	if (w->n == PAGE_SIZE / 8)
		words_flush(w);
}

/* Lay out argc/argv/envp/auxv at the top of the new stack: the strings
 * are written from the frames that hold them, the pointers a frame at a
 * time (the stack grows down to take them, within RLIMIT_STACK). */
static int build_stack(struct vmspace *vm, const struct exec_args *a,
		       uint64_t entry, struct exec_image *img)
{
	size_t strings = a->used + RANDOM_BYTES, words;
	uint64_t str_at, rnd_at, sp, off = 0;
	struct word_writer w = { .vm = vm };
	uint8_t rnd[RANDOM_BYTES];
	int err = 0;

	words = 1 + (size_t)a->argc + 1 + (size_t)a->envc + 1 + AUXV_WORDS;
	str_at = USER_STACK_TOP - strings;
	rnd_at = str_at + a->used;
	sp = ALIGN_DOWN(str_at - words * 8, 16);
	for (size_t i = 0; i * PAGE_SIZE < a->used && !err; i++)
		err = vmspace_write(vm, str_at + i * PAGE_SIZE, a->pages[i],
				    MIN(PAGE_SIZE, a->used - i * PAGE_SIZE));
	random_bytes(rnd, sizeof(rnd));
	if (!err)
		err = vmspace_write(vm, rnd_at, rnd, sizeof(rnd));
	if (err)
		return err;
	w.buf = pmm_alloc_page(0);
	if (!w.buf)
		return -ENOMEM;
	w.at = sp;
	words_put(&w, (uint64_t)a->argc);
	/* each string's address, found by walking the NULs in order: argv's
	 * then a NULL, envp's then a NULL */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < (pass ? a->envc : a->argc); i++) {
			words_put(&w, str_at + off);
			while (a->pages[off / PAGE_SIZE][off % PAGE_SIZE] != '\0')
				off++;
			off++;
		}
		words_put(&w, 0);
	}
	words_put(&w, AT_PAGESZ);
	words_put(&w, PAGE_SIZE);
	words_put(&w, AT_CLKTCK);
	words_put(&w, clock_hz);
	words_put(&w, AT_ENTRY);
	words_put(&w, entry);
	words_put(&w, AT_RANDOM);
	words_put(&w, rnd_at);
	words_put(&w, AT_NULL);
	words_put(&w, 0);
	words_flush(&w);
	assert(off == a->used && w.at <= sp + words * 8);
	pmm_free_page(w.buf);
	img->sp = sp;
	img->argv = sp + 8;
	img->argc = a->argc;
	return w.err;
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
