/*
 * hello.c - the first user program: prints a greeting and exits with
 * status 233, so a test can tell its exit code from a default 0.
 */
#include "kite.h"

int main(void)
{
	printf("Hello, Kite!\n");
	return 233;
}
