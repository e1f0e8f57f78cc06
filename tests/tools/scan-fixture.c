/*
 * scan-fixture: writes the discovery fixture trees of
 * tests/unit/scan-fixture.h for the CLI tests and the benchmarks.
 *
 *   scan-fixture home ROOT                 a user's home and /proc
 *   scan-fixture big ROOT NMODELS FILES    NMODELS models, FILES files each
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/scan-fixture.h"

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "home") == 0)
		return fixture_home(argv[2]) == 0 ? 0 : 1;
	if (argc == 5 && strcmp(argv[1], "big") == 0)
		return fixture_big(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
		    (unsigned)strtoul(argv[4], NULL, 10)) == 0 ? 0 : 1;
	fprintf(stderr, "usage: scan-fixture home ROOT\n"
	    "       scan-fixture big ROOT NMODELS FILES_PER_MODEL\n");
	return 2;
}
