/*
 * lxwrap.c - on the host, stands in for a suite program when another one
 * execs it (tests/jobs_linux.py builds it with the host's cc).
 *
 * The host runs a suite program as qemu-riscv64-static -0 lx_NAME
 * build/extra/lx_NAME from a directory where every lx_NAME is a symbolic
 * link to this program. When the program execs "lx_NAME" (fork+exec,
 * posix_spawn, exec of its own name), the host kernel runs this wrapper,
 * which runs build/extra/lx_NAME under qemu-riscv64-static in its
 * place: the same argv (argv[0] too) and the same environment. No
 * binfmt_misc registration is needed. LX_BIN_DIR and QEMU_USER are
 * given with -D.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);
	const char *name, *slash;
	char path[4096];
	char **v;
	int n = 0;

	if (!fn)
		fn = argc > 0 ? argv[0] : "";
	slash = strrchr(fn, '/');
	name = slash ? slash + 1 : fn;
	snprintf(path, sizeof(path), "%s/%s", LX_BIN_DIR, name);
	v = calloc((size_t)argc + 5, sizeof(*v));
	if (!v)
		return 127;
	v[n++] = QEMU_USER;
	v[n++] = "-0";
	v[n++] = argc > 0 ? argv[0] : (char *)name;
	v[n++] = path;
	for (int i = 1; i < argc; i++)
		v[n++] = argv[i];
	v[n] = NULL;
	execv(QEMU_USER, v);
	perror("lxwrap: " QEMU_USER);
	return 127;
}
