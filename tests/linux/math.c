/*
 * math.c - lx_math: libm and the floating-point environment.
 *
 * sqrt, sin, cos, tan, exp, log, pow, fmod, atan2, hypot, cbrt, erf,
 * lgamma at chosen points, printed with %a (exact bits); the four
 * rounding modes (fesetround) seen by rint, nearbyint, lrint and a
 * division; exception flags (fetestexcept) raised by 1/0, 0/0, overflow,
 * underflow and inexact; float and long double too. Kite's part: the
 * FPU's state (f registers and fcsr) belongs to each thread and survives
 * every switch, so two threads with different rounding modes each keep
 * their own.
 */
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

static const double pts[] = { 0.0, 0.5, 1.0, 2.0, 3.14159, 10.0, 100.5, -2.5 };

static void functions(void)
{
	for (unsigned i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
		double x = pts[i];

		printf("x=%g sqrt %a sin %a cos %a exp %a\n", x, sqrt(fabs(x)),
		       sin(x), cos(x), exp(x));
		printf("  log %a tan %a atan2 %a cbrt %a erf %a lgamma %a\n",
		       log(fabs(x) + 1), tan(x), atan2(x, 1.5), cbrt(x), erf(x),
		       lgamma(fabs(x) + 0.5));
	}
	printf("pow: %a %a %a %a %g\n", pow(2, 0.5), pow(-8, 1.0 / 3), pow(10, -300),
	       pow(1.0000001, 1e7), pow(0, -1));
	printf("fmod: %g %g %g %g\n", fmod(10, 3), fmod(-10, 3), fmod(5.5, 1.25),
	       fmod(1, 0));
	printf("hypot %a floor %g ceil %g round %g trunc %g\n", hypot(3, 4),
	       floor(-2.5), ceil(-2.5), round(-2.5), trunc(-2.7));
	printf("float: sqrtf %a sinf %a expf %a\n", sqrtf(2), sinf(1), expf(1));
	printf("long double: sqrtl %La expl %La\n", sqrtl(2), expl(1));
	printf("frexp/ldexp: %g %g modf %g\n", ldexp(0.75, 4),
	       frexp(48, &(int){ 0 }), modf(3.75, &(double){ 0 }));
	printf("isnan %d isinf %d signbit %d fpclassify(denorm) %d\n",
	       isnan(NAN), isinf(-INFINITY), signbit(-0.0) != 0,
	       fpclassify(1e-310) == FP_SUBNORMAL);
}

static const char *mode_name(int m)
{
	return m == FE_TONEAREST ? "nearest" : m == FE_UPWARD ? "up"
	       : m == FE_DOWNWARD ? "down" : m == FE_TOWARDZERO ? "zero" : "?";
}

static void rounding(void)
{
	static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD,
				     FE_TOWARDZERO };
	volatile double one = 1, three = 3;

	for (int i = 0; i < 4; i++) {
		fesetround(modes[i]);
		printf("round %-7s get %s rint(2.5) %g rint(-2.5) %g nearbyint(3.5) %g "
		       "lrint(-1.5) %ld 1/3 %a\n", mode_name(modes[i]),
		       mode_name(fegetround()), rint(2.5), rint(-2.5),
		       nearbyint(3.5), lrint(-1.5), one / three);
	}
	fesetround(FE_TONEAREST);
}

static void flags(void)
{
	volatile double zero = 0, one = 1, big = 1e308, tiny = 1e-308;
	double r;

	feclearexcept(FE_ALL_EXCEPT);
	r = one / zero;
	printf("1/0 = %g: divbyzero %d\n", r, !!fetestexcept(FE_DIVBYZERO));
	feclearexcept(FE_ALL_EXCEPT);
	r = zero / zero;
	printf("0/0 = %g: invalid %d\n", r, !!fetestexcept(FE_INVALID));
	feclearexcept(FE_ALL_EXCEPT);
	r = big * 10;
	printf("1e308*10 = %g: overflow %d\n", r, !!fetestexcept(FE_OVERFLOW));
	feclearexcept(FE_ALL_EXCEPT);
	r = tiny / 1e10;
	printf("1e-308/1e10: underflow %d\n", !!fetestexcept(FE_UNDERFLOW));
	feclearexcept(FE_ALL_EXCEPT);
	r = one / 3;
	printf("1/3: inexact %d, others %d\n", !!fetestexcept(FE_INEXACT),
	       !!fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT));
	(void)r;
}

/* Two threads, each in its own rounding mode, switching often. */
static void *mode_thread(void *arg)
{
	int mode = *(int *)arg, kept = 1;
	volatile double one = 1, three = 3, first;

	fesetround(mode);
	first = one / three;
	for (int i = 0; i < 200000; i++) {
		if (i % 1000 == 0)
			sched_yield();
		kept &= one / three == first && fegetround() == mode;
	}
	return (void *)(long)kept;
}

static void per_thread(void)
{
	int up = FE_UPWARD, down = FE_DOWNWARD;
	pthread_t a, b;
	void *ra, *rb;

	pthread_create(&a, NULL, mode_thread, &up);
	pthread_create(&b, NULL, mode_thread, &down);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	printf("threads kept their rounding modes: up %s, down %s; main %s\n",
	       ra ? "yes" : "NO", rb ? "yes" : "NO", mode_name(fegetround()));
}

int main(void)
{
	functions();
	rounding();
	flags();
	per_thread();
	return 0;
}
