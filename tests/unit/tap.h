/*
 * tap - run a Check suite and report each test case as one TAP line, so that
 * automake's TAP driver counts every case.
 */
#ifndef VIGIE_TEST_TAP_H
#define VIGIE_TEST_TAP_H

#include <check.h>
#include <stdlib.h>

/* tap_run - run the suite; failures are reported in TAP, a crash by the exit code */
static inline int tap_run(Suite *s)
{
	SRunner *sr = srunner_create(s);

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	srunner_free(sr);
	return EXIT_SUCCESS;
}

#endif
