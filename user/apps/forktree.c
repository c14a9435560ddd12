/*
 * forktree.c - forks a binary tree of processes, depth 3 or argv[1]
 * (0..8). Every node prints its path from the root ("" for the root,
 * then "0", "1", "00", ...), its pid and ppid, forks two children unless
 * it is a leaf, and waits for them. A node exits 0 only if both subtrees
 * did, so the root's status says whether the whole tree ran.
 */
#include "kite.h"

#define DEPTH_MAX 8

static int depth_max = 3;

static int node(char *path, int depth)
{
	pid_t kids[2];
	int i, status, failed = 0;

	printf("forktree: node '%s' depth %d pid %d ppid %d\n", path, depth,
	       getpid(), getppid());
	if (depth == depth_max)
		return 0;

	for (i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] < 0) {
			perror("forktree: fork");
			failed = 1;
		} else if (kids[i] == 0) {
			path[depth] = (char)('0' + i);
			path[depth + 1] = '\0';
			exit(node(path, depth + 1));
		}
	}
	for (i = 0; i < 2; i++) {
		if (kids[i] <= 0)
			continue;
		if (waitpid(kids[i], &status, 0) != kids[i]) {
			perror("forktree: waitpid");
			failed = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			failed = 1;
		}
	}
	return failed;
}

int main(int argc, char **argv)
{
	char path[DEPTH_MAX + 2] = "";
	int failed;

	if (argc > 1) {
		char *end;

		depth_max = (int)strtol(argv[1], &end, 10);
		if (end == argv[1] || *end || depth_max < 0 ||
		    depth_max > DEPTH_MAX) {
			fprintf(stderr, "usage: forktree [depth 0..%d]\n",
				DEPTH_MAX);
			return 2;
		}
	}
	failed = node(path, 0);
	if (!failed)
		printf("forktree: %d processes, all done\n",
		       (2 << depth_max) - 1);
	return failed;
}
