/* One binary, one cmocka group per ctest: test_kbd map|ring|xs. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

int kbd_tests_map(void);
int kbd_tests_ring(void);
int kbd_tests_xs(void);

int main(int argc, char **argv)
{
	const char *suite = argc > 1 ? argv[1] : "";

	if (strcmp(suite, "map") == 0)
		return kbd_tests_map();
	if (strcmp(suite, "ring") == 0)
		return kbd_tests_ring();
	if (strcmp(suite, "xs") == 0)
		return kbd_tests_xs();
	fprintf(stderr, "usage: %s map|ring|xs\n", argv[0]);
	return 2;
}
