/*
 * true.c - does nothing and succeeds (for benchmarks and scripts).
 */
int main(void)
{
	return 0;
}
