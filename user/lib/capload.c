/*
 * capload.c - ChCore's load_binary, in user space: build a child process
 * from an embedded app's ELF image through capabilities alone
 * (user/include/cap.h, docs/CAPS.md).
 *
 *   pmo_app(app)                the ELF image, a read-only PMO
 *   pmo_read: ELF header        checked: ELF64, little-endian, RISC-V,
 *             program headers   ET_EXEC, PT_LOAD segments sane
 *   cap_group_create(app)       an empty process (pid, parent: us) and
 *                               its vmspace
 *   per PT_LOAD segment:        a DATA PMO of its pages; pmo_read from
 *                               the image, pmo_write into it (the rest,
 *                               bss, stays zero); pmo_map into the
 *                               child with the segment's permissions
 *   the stack:                  an ANON PMO (pages on touch); argc,
 *                               argv, envp, auxv and the strings laid
 *                               out as the kernel's exec does
 *                               (kernel/proc/exec.c build_stack), what
 *                               crt0 reads; mapped below the guard page
 *   capload_start:              cap_thread_create at the entry point,
 *                               sp, a0 = argc
 *
 * The segment and stack PMOs' capabilities are freed once mapped: the
 * child's regions keep the objects. On any failure what was made is
 * undone: the child's capabilities go (so it ends without running) and
 * it is reaped.
 */
#include "elf.h"
#include "kite.h"

#define PAGE 4096UL
#define ALIGN_DOWN_PAGE(x) ((x) & ~(PAGE - 1))
#define ALIGN_UP_PAGE(x) (((x) + PAGE - 1) & ~(PAGE - 1))
#define MAX_PHNUM 16
#define MAX_STRINGS 16384 /* bytes of argv and envp strings, as exec */
#define MAX_ARGS 64       /* entries of argv, and of envp, as exec */
#define AT_NULL 0
#define AT_PAGESZ 6

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Read and check the ELF header and program headers of the image. */
static int read_headers(cap_t image, Elf64_Ehdr *eh, Elf64_Phdr *ph)
{
	if (pmo_read(image, 0, eh, sizeof(*eh)) != sizeof(*eh))
		return errno == EINVAL ? fail(ENOEXEC) : -1;
	if (memcmp(eh->e_ident, ELFMAG, 4) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_EXEC ||
	    eh->e_machine != EM_RISCV || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phnum == 0 || eh->e_phnum > MAX_PHNUM)
		return fail(ENOEXEC);
	if (pmo_read(image, eh->e_phoff, ph, eh->e_phnum * sizeof(*ph)) < 0)
		return errno == EINVAL ? fail(ENOEXEC) : -1;
	return 0;
}

/* Is PT_LOAD segment s loadable below the stack, after the page prev
 * (the end of the previous segment)? */
static bool segment_ok(const Elf64_Phdr *s, uint64_t prev)
{
	uint64_t start = ALIGN_DOWN_PAGE(s->p_vaddr);
	uint64_t end = s->p_vaddr + s->p_memsz;

	return s->p_filesz <= s->p_memsz && end > s->p_vaddr &&
	       start >= PAGE && start >= prev &&
	       end <= CAPLOAD_STACK_TOP - CAPLOAD_STACK_SIZE &&
	       (s->p_vaddr - s->p_offset) % PAGE == 0;
}

static int prot_of(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* One PT_LOAD segment: a DATA PMO of its pages with the file's bytes,
 * mapped into the child. */
static int load_segment(struct capload *c, cap_t image, const Elf64_Phdr *s)
{
	static char buf[PAGE]; /* bounce buffer: image -> segment */
	uint64_t start = ALIGN_DOWN_PAGE(s->p_vaddr);
	uint64_t size = ALIGN_UP_PAGE(s->p_vaddr + s->p_memsz) - start;
	uint64_t lead = s->p_vaddr - start;
	cap_t pmo = pmo_create(size, KITE_PMO_DATA);
	int err = 0;

	if (pmo < 0)
		return -1;
	for (uint64_t done = 0; done < s->p_filesz && !err;) {
		size_t n = s->p_filesz - done < PAGE ? s->p_filesz - done : PAGE;

		if (pmo_read(image, s->p_offset + done, buf, n) != (long)n ||
		    pmo_write(pmo, lead + done, buf, n) != (long)n)
			err = errno == EINVAL ? ENOEXEC : errno;
		done += n;
	}
	/* bss: the PMO's pages are zero already */
	if (!err && pmo_map(c->vmspace, pmo, start, size, prot_of(s->p_flags)) < 0)
		err = errno;
	cap_free(pmo); /* the child's region keeps the object */
	return err ? fail(err) : 0;
}

/* Lay out argc, argv, envp, auxv and the strings at the top of the
 * stack (as exec's build_stack) and map the stack. */
static int load_stack(struct capload *c, char *const argv[], char *const envp[])
{
	static char frame[MAX_STRINGS + (2 * MAX_ARGS + 8) * 8];
	int argc = 0, envc = 0, k = 0;
	size_t strings = 0, words, size;
	uint64_t str_at, sp, *w = (uint64_t *)frame;
	cap_t pmo;
	int err = 0;

	while (argv && argv[argc])
		strings += strlen(argv[argc++]) + 1;
	while (envp && envp[envc])
		strings += strlen(envp[envc++]) + 1;
	if (argc > MAX_ARGS || envc > MAX_ARGS || strings > MAX_STRINGS)
		return fail(E2BIG);
	words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 4;
	str_at = CAPLOAD_STACK_TOP - strings;
	sp = (str_at - words * 8) & ~15UL;
	size = CAPLOAD_STACK_TOP - sp;
	memset(frame, 0, size);
	w[k++] = (uint64_t)argc;
	for (int pass = 0; pass < 2; pass++) {
		char *const *v = pass ? envp : argv;
		int n = pass ? envc : argc;

		for (int i = 0; i < n; i++) {
			size_t len = strlen(v[i]) + 1;

			memcpy(frame + (str_at - sp), v[i], len);
			w[k++] = str_at;
			str_at += len;
		}
		w[k++] = 0;
	}
	w[k++] = AT_PAGESZ;
	w[k++] = PAGE;
	w[k++] = AT_NULL;
	w[k++] = 0;
	pmo = pmo_create(CAPLOAD_STACK_SIZE, KITE_PMO_ANON);
	if (pmo < 0)
		return -1;
	if (pmo_write(pmo, CAPLOAD_STACK_SIZE - size, frame, size) != (long)size ||
	    pmo_map(c->vmspace, pmo, CAPLOAD_STACK_TOP - CAPLOAD_STACK_SIZE,
		    CAPLOAD_STACK_SIZE, PROT_READ | PROT_WRITE) < 0)
		err = errno;
	cap_free(pmo);
	c->sp = sp;
	c->argc = argc;
	return err ? fail(err) : 0;
}

int capload_build(struct capload *c, const char *app, char *const argv[],
		  char *const envp[])
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHNUM];
	struct kite_capproc info;
	uint64_t prev = 0;
	cap_t image = pmo_app(app);
	int err = 0;

	c->proc = c->vmspace = c->thread = -1;
	c->nsegs = 0;
	if (image < 0)
		return -1;
	if (read_headers(image, &eh, ph)) {
		err = errno;
		goto out;
	}
	c->proc = cap_group_create(app, &info);
	if (c->proc < 0) {
		err = errno;
		goto out;
	}
	c->vmspace = info.vmspace;
	c->pid = info.pid;
	c->entry = eh.e_entry;
	for (int i = 0; i < eh.e_phnum && !err; i++) {
		if (ph[i].p_type == PT_INTERP) {
			err = ENOEXEC; /* static executables only */
		} else if (ph[i].p_type == PT_LOAD && ph[i].p_memsz) {
			/* (an empty one maps nothing, as with exec) */
			if (!segment_ok(&ph[i], prev) || c->nsegs == CAPLOAD_MAX_SEGS)
				err = ENOEXEC;
			else if (load_segment(c, image, &ph[i]))
				err = errno;
			else
				c->nsegs++;
			prev = ALIGN_UP_PAGE(ph[i].p_vaddr + ph[i].p_memsz);
		}
	}
	if (!err && !c->nsegs)
		err = ENOEXEC;
	if (!err && load_stack(c, argv, envp))
		err = errno;
	if (err)
		capload_abort(c);
out:
	cap_free(image);
	return err ? fail(err) : 0;
}

int capload_start(struct capload *c, int prio)
{
	/* a0 = argc, as exec sets it (crt0 reads the stack) */
	c->thread = cap_thread_create(c->proc, c->entry, c->sp,
				      (uint64_t)c->argc, prio);
	if (c->thread < 0) {
		int err = errno;

		capload_abort(c);
		return fail(err);
	}
	return 0;
}

void capload_release(struct capload *c)
{
	if (c->thread >= 0)
		cap_free(c->thread);
	if (c->vmspace >= 0)
		cap_free(c->vmspace);
	if (c->proc >= 0)
		cap_free(c->proc);
	c->proc = c->vmspace = c->thread = -1;
}

void capload_abort(struct capload *c)
{
	pid_t pid = c->proc >= 0 ? c->pid : -1;

	/* no capability to it left outside its own table: it ends */
	capload_release(c);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}
