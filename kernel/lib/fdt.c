/*
 * lib/fdt.c - a small, defensive reader of flattened device trees.
 *
 * A DTB is a header, a memory reservation block (big-endian u64
 * address/size pairs ended by 0/0), a structure block and a strings
 * block. The structure block is a stream of aligned big-endian u32
 * tokens: FDT_BEGIN_NODE + NUL-terminated name, FDT_PROP + u32 len +
 * u32 nameoff (into the strings block) + value, both padded to 4 bytes;
 * FDT_END_NODE; FDT_NOP (ignored); one FDT_END after the root closes.
 *
 * fdt_parse() walks the stream once with a struct fdt_level per open node
 * (at most FDT_MAX_DEPTH, root = level 0) recording what the node is to
 * Kite, the #address-cells/#size-cells it declares for its children
 * (2/1 if absent, per the spec), and its device_type, status and reg.
 * Properties come in any order, so a node is judged at its FDT_END_NODE,
 * its reg decoded with the parent level's cells: final by then, as a
 * node's properties must precede its subnodes (enforced).
 *
 * Read: root children named "memory[@...]" (unless another device_type)
 * or with device_type "memory" -> mem; the reservation block, then
 * /reserved-memory children -> reserved; /cpus timebase-frequency, else
 * the first cpu node's; /cpus children with device_type "cpu" (or none
 * and named "cpu@...") -> nharts and hartids from reg; /chosen bootargs;
 * nodes anywhere whose compatible list has "virtio,mmio" -> virtio, from
 * the first (address, size) of reg and the first cell of interrupts
 * (the interrupt parent is taken to be the PLIC and every bus between
 * the node and the root to map addresses 1:1, as on QEMU virt).
 * Nodes whose status is neither absent, "okay" nor "ok" are skipped.
 * Of other nodes only compatible, interrupts, reg, status and the cell
 * counts are noted, leniently: they are checked only if the node turns
 * out to be (or to be the parent of) a virtio node, so an odd property
 * elsewhere never makes the blob unreadable.
 *
 * All reads are byte loads, so the blob need not be aligned. totalsize is
 * trusted as the buffer size; every offset is checked against it, every
 * token, name and value against the structure block, every property name
 * against the strings block, before being read. Anything malformed gives
 * -EINVAL and a zeroed *info.
 */
#include "kernel/types.h"
#include "lib/fdt.h"
#include "lib/string.h"
#include "uapi/errno.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_HDR_SIZE 40u        /* version 17 header */
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 16        /* open nodes, root included */

enum fdt_kind {
	FDT_K_OTHER, FDT_K_ROOT, FDT_K_TOP, FDT_K_CPUS, FDT_K_CPU,
	FDT_K_RESMEM, FDT_K_RESCHILD, FDT_K_CHOSEN,
};

enum fdt_type { FDT_T_NONE, FDT_T_MEMORY, FDT_T_CPU, FDT_T_OTHER };

struct fdt_level {
	uint8_t kind;           /* enum fdt_kind */
	uint8_t type;           /* enum fdt_type, from device_type */
	bool named;             /* "memory[@...]" at the top, "cpu@..." in /cpus */
	bool disabled;          /* status present and not "okay"/"ok" */
	bool has_child;         /* a subnode began: no more properties */
	bool has_reg;
	bool virtio;            /* compatible has "virtio,mmio" */
	bool has_irq;
	bool bad_cells;         /* a malformed #address-/#size-cells (noted) */
	bool bad_status;        /* a malformed status (noted) */
	uint64_t addr_cells;    /* #address-cells for the children */
	uint64_t size_cells;    /* #size-cells for the children */
	uint32_t reg_off;       /* reg value: offset in the blob, length */
	uint32_t reg_len;
	uint32_t irq_off;       /* interrupts value: offset, length */
	uint32_t irq_len;
};

struct fdt_walk {
	const uint8_t *blob;
	uint32_t pos;           /* next token, offset in the blob */
	uint32_t send;          /* end of the structure block */
	uint32_t stroff;        /* strings block */
	uint32_t strsize;
	int depth;              /* innermost open level, -1 before the root */
	bool root_done;
	uint64_t cpu_timebase;  /* first cpu node's timebase-frequency */
	struct fdt_info *info;
	struct fdt_level lvl[FDT_MAX_DEPTH];
};

static uint32_t fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Value of n (0..2) big-endian cells at p. */
static uint64_t fdt_cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (; n > 0; n--, p += 4)
		v = v << 32 | fdt_be32(p);
	return v;
}

/* Take the next u32 of the structure block. */
static int fdt_get32(struct fdt_walk *w, uint32_t *v)
{
	if (w->send - w->pos < 4)
		return -EINVAL;
	*v = fdt_be32(w->blob + w->pos);
	w->pos += 4;
	return 0;
}

/* Skip n bytes and the padding after them, staying in the block. */
static int fdt_skip(struct fdt_walk *w, uint32_t n)
{
	uint64_t next = ALIGN_UP((uint64_t)w->pos + n, 4);

	if (next > w->send)
		return -EINVAL;
	w->pos = (uint32_t)next;
	return 0;
}

static int fdt_add_region(struct fdt_region *r, int *n, uint64_t base,
			  uint64_t size)
{
	if (base + size < base)
		return -EINVAL;
	if (size == 0 || *n >= FDT_MAX_MEM)
		return 0;
	r[*n].base = base;
	r[*n].size = size;
	(*n)++;
	return 0;
}

/* Read the header's memory reservation block into info->reserved. */
static int fdt_read_rsvmap(const uint8_t *b, uint32_t off, uint32_t total,
			   struct fdt_info *info)
{
	uint64_t base, size;

	for (; total - off >= 16; off += 16) {
		base = fdt_cells(b + off, 2);
		size = fdt_cells(b + off + 8, 2);
		if (base == 0 && size == 0)
			return 0;
		if (fdt_add_region(info->reserved, &info->nreserved, base, size))
			return -EINVAL;
	}
	return -EINVAL;
}

/* Check the header and set up the walk over the structure block. */
static int fdt_check_header(struct fdt_walk *w, const uint8_t *b)
{
	uint32_t total, soff, ssize, stroff, strsize, rsv;

	total = fdt_totalsize(b);
	if (total < FDT_HDR_SIZE)       /* also a wrong magic */
		return -EINVAL;
	if (fdt_be32(b + 20) < 16 || fdt_be32(b + 24) > 17)
		return -EINVAL;
	soff = fdt_be32(b + 8);
	stroff = fdt_be32(b + 12);
	rsv = fdt_be32(b + 16);
	strsize = fdt_be32(b + 32);
	if (soff < FDT_HDR_SIZE || soff > total || soff % 4)
		return -EINVAL;
	ssize = fdt_be32(b + 20) >= 17 ? fdt_be32(b + 36) : total - soff;
	if ((uint64_t)soff + ssize > total || stroff < FDT_HDR_SIZE ||
	    (uint64_t)stroff + strsize > total ||
	    rsv < FDT_HDR_SIZE || rsv > total || rsv % 8)
		return -EINVAL;
	w->blob = b;
	w->pos = soff;
	w->send = soff + ssize;
	w->stroff = stroff;
	w->strsize = strsize;
	w->depth = -1;
	return fdt_read_rsvmap(b, rsv, total, w->info);
}

static uint8_t fdt_kind_of(const struct fdt_level *parent, const char *name,
			   bool *named)
{
	if (!parent)
		return FDT_K_ROOT;
	switch (parent->kind) {
	case FDT_K_ROOT:
		if (!strcmp(name, "cpus"))
			return FDT_K_CPUS;
		if (!strcmp(name, "chosen"))
			return FDT_K_CHOSEN;
		if (!strcmp(name, "reserved-memory"))
			return FDT_K_RESMEM;
		*named = !strcmp(name, "memory") ||
			 !strncmp(name, "memory@", 7);
		return FDT_K_TOP;
	case FDT_K_CPUS:
		*named = !strncmp(name, "cpu@", 4);
		return FDT_K_CPU;
	case FDT_K_RESMEM:
		return FDT_K_RESCHILD;
	}
	return FDT_K_OTHER;
}

static int fdt_begin_node(struct fdt_walk *w)
{
	const char *name = (const char *)w->blob + w->pos;
	size_t len = strnlen(name, w->send - w->pos);
	struct fdt_level *parent = NULL, *lv;

	if (len == w->send - w->pos || fdt_skip(w, (uint32_t)len + 1))
		return -EINVAL;
	if (w->root_done || w->depth + 1 >= FDT_MAX_DEPTH)
		return -EINVAL;
	if (w->depth >= 0) {
		parent = &w->lvl[w->depth];
		parent->has_child = true;
	}
	lv = &w->lvl[++w->depth];
	memset(lv, 0, sizeof(*lv));
	lv->addr_cells = 2;
	lv->size_cells = 1;
	lv->kind = fdt_kind_of(parent, name, &lv->named);
	return 0;
}

/* Check reg's shape for the parent's cells: whole (address, size) pairs. */
static int fdt_reg_check(const struct fdt_level *lv,
			 const struct fdt_level *parent, bool need_addr)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells;

	if (ac > 2 || sc > 2 || ac + sc == 0 || (need_addr && ac == 0) ||
	    lv->reg_len % ((ac + sc) * 4))
		return -EINVAL;
	return 0;
}

/* Add every (address, size) pair of lv's reg to r[]. */
static int fdt_add_regs(struct fdt_walk *w, const struct fdt_level *lv,
			const struct fdt_level *parent,
			struct fdt_region *r, int *n)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells, off;
	const uint8_t *p = w->blob + lv->reg_off;

	if (!lv->has_reg)
		return 0;
	if (fdt_reg_check(lv, parent, false))
		return -EINVAL;
	for (off = 0; off < lv->reg_len; off += (ac + sc) * 4)
		if (fdt_add_region(r, n, fdt_cells(p + off, ac),
				   fdt_cells(p + off + ac * 4, sc)))
			return -EINVAL;
	return 0;
}

static int fdt_add_cpu(struct fdt_walk *w, const struct fdt_level *lv,
		       const struct fdt_level *parent)
{
	struct fdt_info *info = w->info;
	uint64_t id;

	if (!lv->has_reg || lv->reg_len == 0 || fdt_reg_check(lv, parent, true))
		return -EINVAL;
	id = fdt_cells(w->blob + lv->reg_off, parent->addr_cells);
	if (id > UINT32_MAX)
		return -EINVAL;
	if (info->nharts < NCPU)
		info->hartids[info->nharts] = (uint32_t)id;
	info->nharts++;
	return 0;
}

/* A "virtio,mmio" node: its window and interrupt. */
static int fdt_add_virtio(struct fdt_walk *w, const struct fdt_level *lv,
			  const struct fdt_level *parent)
{
	struct fdt_info *info = w->info;
	struct fdt_device *d;
	uint64_t base, size;

	if (!parent || parent->bad_cells || lv->bad_status || !lv->has_reg ||
	    lv->reg_len == 0 || fdt_reg_check(lv, parent, true) ||
	    !lv->has_irq || lv->irq_len == 0 || lv->irq_len % 4)
		return -EINVAL;
	if (lv->disabled)
		return 0;
	base = fdt_cells(w->blob + lv->reg_off, parent->addr_cells);
	size = fdt_cells(w->blob + lv->reg_off + parent->addr_cells * 4,
			 parent->size_cells);
	if (base + size < base)
		return -EINVAL;
	if (info->nvirtio >= FDT_MAX_VIRTIO)
		return 0;
	d = &info->virtio[info->nvirtio++];
	d->base = base;
	d->size = size;
	d->irq = fdt_be32(w->blob + lv->irq_off);
	return 0;
}

/* Take what Kite wants from a node that has just closed. */
static int fdt_commit(struct fdt_walk *w, const struct fdt_level *lv,
		      const struct fdt_level *parent)
{
	struct fdt_info *info = w->info;
	bool by_name = lv->type == FDT_T_NONE && lv->named;

	if (lv->virtio)
		return fdt_add_virtio(w, lv, parent);
	if (lv->disabled)
		return 0;
	if (lv->kind == FDT_K_TOP && (lv->type == FDT_T_MEMORY || by_name))
		return fdt_add_regs(w, lv, parent, info->mem, &info->nmem);
	if (lv->kind == FDT_K_RESCHILD)
		return fdt_add_regs(w, lv, parent, info->reserved,
				    &info->nreserved);
	if (lv->kind == FDT_K_CPU && (lv->type == FDT_T_CPU || by_name))
		return fdt_add_cpu(w, lv, parent);
	return 0;
}

static int fdt_end_node(struct fdt_walk *w)
{
	int rc;

	if (w->depth < 0)
		return -EINVAL;
	rc = fdt_commit(w, &w->lvl[w->depth],
			w->depth > 0 ? &w->lvl[w->depth - 1] : NULL);
	if (--w->depth < 0)
		w->root_done = true;
	return rc;
}

/* A number of 4 bytes (or of 8, if wide). */
static int fdt_num(const uint8_t *v, uint32_t len, bool wide, uint64_t *out)
{
	if (len != 4 && !(wide && len == 8))
		return -EINVAL;
	*out = fdt_cells(v, len / 4);
	return 0;
}

/* device_type, status or /chosen bootargs: one NUL-terminated string. */
static int fdt_prop_string(struct fdt_walk *w, struct fdt_level *lv,
			   const char *name, const char *s, uint32_t len)
{
	size_t n;

	if (len == 0 || s[len - 1] != '\0')
		return -EINVAL;
	if (!strcmp(name, "status")) {
		lv->disabled = strcmp(s, "okay") && strcmp(s, "ok");
	} else if (!strcmp(name, "device_type")) {
		lv->type = !strcmp(s, "memory") ? FDT_T_MEMORY :
			   !strcmp(s, "cpu") ? FDT_T_CPU : FDT_T_OTHER;
	} else {
		n = MIN(strlen(s), (size_t)BOOTARGS_MAX - 1);
		memcpy(w->info->bootargs, s, n);
		w->info->bootargs[n] = '\0';
	}
	return 0;
}

/* Does the string list v (len bytes) hold s? */
static bool fdt_has_string(const uint8_t *v, uint32_t len, const char *s)
{
	size_t want = strlen(s), n;

	for (uint32_t off = 0; off < len; off += (uint32_t)n + 1) {
		n = strnlen((const char *)v + off, len - off);
		if (n == want && !memcmp(v + off, s, n))
			return true;
	}
	return false;
}

/* Note what a virtio node needs: compatible and interrupts of any node;
 * of a node Kite does not otherwise read (FDT_K_OTHER) also reg, status
 * and the cell counts, which fdt_apply reads strictly for the others.
 * Never fails: what is malformed is only flagged. */
static void fdt_note(struct fdt_walk *w, struct fdt_level *lv,
		     const char *name, uint32_t off, uint32_t len)
{
	const uint8_t *v = w->blob + off;
	bool other = lv->kind == FDT_K_OTHER;

	if (!strcmp(name, "compatible")) {
		lv->virtio = lv->virtio || fdt_has_string(v, len, "virtio,mmio");
	} else if (!strcmp(name, "interrupts")) {
		lv->has_irq = true;
		lv->irq_off = off;
		lv->irq_len = len;
	} else if (other && !strcmp(name, "reg")) {
		lv->has_reg = true;
		lv->reg_off = off;
		lv->reg_len = len;
	} else if (other && !strcmp(name, "status")) {
		if (len == 0 || v[len - 1] != '\0')
			lv->bad_status = true;
		else
			lv->disabled = strcmp((const char *)v, "okay") &&
				       strcmp((const char *)v, "ok");
	} else if (other && (!strcmp(name, "#address-cells") ||
			     !strcmp(name, "#size-cells"))) {
		if (fdt_num(v, len, false, name[1] == 'a' ? &lv->addr_cells
							   : &lv->size_cells))
			lv->bad_cells = true;
	}
}

/* Interpret one property of a node Kite reads. */
static int fdt_apply(struct fdt_walk *w, struct fdt_level *lv,
		     const char *name, uint32_t off, uint32_t len)
{
	const uint8_t *v = w->blob + off;
	uint64_t hz;

	fdt_note(w, lv, name, off, len);
	if (!strcmp(name, "#address-cells"))
		return fdt_num(v, len, false, &lv->addr_cells);
	if (!strcmp(name, "#size-cells"))
		return fdt_num(v, len, false, &lv->size_cells);
	if (!strcmp(name, "reg")) {
		lv->has_reg = true;
		lv->reg_off = off;
		lv->reg_len = len;
	} else if (!strcmp(name, "timebase-frequency")) {
		if (fdt_num(v, len, true, &hz))
			return -EINVAL;
		if (lv->kind == FDT_K_CPUS)
			w->info->timebase_freq = hz;
		else if (lv->kind == FDT_K_CPU && w->cpu_timebase == 0)
			w->cpu_timebase = hz;
	} else if (!strcmp(name, "device_type") || !strcmp(name, "status") ||
		   (!strcmp(name, "bootargs") && lv->kind == FDT_K_CHOSEN)) {
		return fdt_prop_string(w, lv, name, (const char *)v, len);
	}
	return 0;
}

static int fdt_prop(struct fdt_walk *w)
{
	uint32_t len, nameoff, off;
	struct fdt_level *lv;
	const char *name;

	if (fdt_get32(w, &len) || fdt_get32(w, &nameoff))
		return -EINVAL;
	if (w->depth < 0 || nameoff >= w->strsize)
		return -EINVAL;
	lv = &w->lvl[w->depth];
	name = (const char *)w->blob + w->stroff + nameoff;
	if (lv->has_child || strnlen(name, w->strsize - nameoff) ==
			     w->strsize - nameoff)
		return -EINVAL;
	off = w->pos;
	if (fdt_skip(w, len))
		return -EINVAL;
	if (lv->kind == FDT_K_OTHER) {
		fdt_note(w, lv, name, off, len);
		return 0;
	}
	return fdt_apply(w, lv, name, off, len);
}

/* Walk the structure block token by token up to FDT_END. */
static int fdt_walk_struct(struct fdt_walk *w)
{
	uint32_t tok;
	int rc;

	for (;;) {
		if (fdt_get32(w, &tok))
			return -EINVAL;
		if (tok == FDT_BEGIN_NODE)
			rc = fdt_begin_node(w);
		else if (tok == FDT_END_NODE)
			rc = fdt_end_node(w);
		else if (tok == FDT_PROP)
			rc = fdt_prop(w);
		else if (tok == FDT_NOP)
			rc = 0;
		else if (tok == FDT_END)
			return w->root_done ? 0 : -EINVAL;
		else
			rc = -EINVAL;
		if (rc)
			return rc;
	}
}

/* Parse blob into *info; 0, or -EINVAL (and *info zeroed) if malformed. */
int fdt_parse(const void *blob, struct fdt_info *info)
{
	struct fdt_walk w;
	int rc;

	memset(info, 0, sizeof(*info));
	memset(&w, 0, sizeof(w));
	w.info = info;
	rc = fdt_check_header(&w, blob);
	if (!rc)
		rc = fdt_walk_struct(&w);
	if (rc) {
		memset(info, 0, sizeof(*info));
		return rc;
	}
	info->totalsize = fdt_be32(w.blob + 4);
	if (info->timebase_freq == 0)
		info->timebase_freq = w.cpu_timebase;
	return 0;
}

/* Total size from the header, or 0 if the magic is wrong. */
uint32_t fdt_totalsize(const void *blob)
{
	const uint8_t *b = blob;

	return fdt_be32(b) == FDT_MAGIC ? fdt_be32(b + 4) : 0;
}
