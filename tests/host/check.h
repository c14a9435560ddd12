/*
 * tests/host/check.h - the tiny framework of Kite's host unit tests.
 *
 * A test file defines functions with TEST(name) and lists them in main()
 * through RUN(name). Each test prints one line, "ok <file>/<name>" or
 * "FAIL <file>/<name>: <file>:<line>: <expr>", which the harness counts;
 * the program exits 1 if any test failed. CHECK() records a failure and
 * carries on; REQUIRE() records it and leaves the test.
 */
#ifndef KITE_TEST_CHECK_H
#define KITE_TEST_CHECK_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern int check_failed_now;   /* failures in the running test */
extern int check_failed_total; /* tests that failed */
extern const char *check_suite;
extern jmp_buf check_panic_jmp; /* panic() in the shims longjmps here */
extern int check_expect_panic;  /* when set, a panic is expected */
extern char check_panic_msg[256];

/* Record a failure of the running test (the first one is printed). */
void check_fail(const char *test, const char *file, int line,
		const char *expr);

#define CHECK(cond)                                                   \
	do {                                                          \
		if (!(cond))                                          \
			check_fail(check_test, __FILE__, __LINE__, #cond); \
	} while (0)

/* cond is evaluated once */
#define REQUIRE(cond)                                                 \
	do {                                                          \
		if (!(cond)) {                                        \
			check_fail(check_test, __FILE__, __LINE__, #cond); \
			return;                                       \
		}                                                     \
	} while (0)

#define TEST(name) static void test_##name(const char *check_test)

#define RUN(name)                                                         \
	do {                                                              \
		check_failed_now = 0;                                     \
		test_##name(#name);                                       \
		if (check_failed_now)                                     \
			check_failed_total++;                             \
		else                                                      \
			printf("ok %s/%s\n", check_suite, #name);        \
	} while (0)

/* Evaluate stmt and report whether it called panic(). */
#define PANICS(stmt)                                          \
	({                                                    \
		int panicked_ = 0;                            \
		check_expect_panic = 1;                       \
		if (setjmp(check_panic_jmp) == 0) {           \
			stmt;                                 \
		} else {                                      \
			panicked_ = 1;                        \
		}                                             \
		check_expect_panic = 0;                       \
		panicked_;                                    \
	})

/* REQUIRE(expr == want), printing the expression as written. */
#define REQUIRE_EQ(expr, want)                              \
	do {                                                \
		if ((long)(expr) != (long)(want)) {         \
			CHECK(!#expr " == " #want);         \
			return;                             \
		}                                           \
	} while (0)

/* A deterministic pseudo-random sequence (xorshift64*), shared by the
 * tests so a failure can be replayed from its seed. */
void rng_seed(uint64_t s);
uint64_t rng(void);
unsigned rng_below(uint64_t n);

#define CHECK_MAIN_BEGIN(suite) check_suite = (suite)
#define CHECK_MAIN_END() return check_failed_total ? 1 : 0

#endif
