/*
 * `make proof`: tests/api/test_malformed.c with 400 zzuf-style mutations per
 * route with a JSON body.
 */
#define YZT_MUTATIONS 400
#include "api/test_malformed.c"
