/* CHECK for test steps that return int: a failed condition prints where,
 * the condition and a printf-style reason, and returns -1 from the step. */
#ifndef TEST_CHECK_H
#define TEST_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__,          \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			return -1;                                             \
		}                                                              \
	} while (0)

#endif
