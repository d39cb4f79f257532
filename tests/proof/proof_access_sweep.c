/*
 * `make proof`: the cross-case access sweep of tests/api/test_access_sweep.c
 * over every demo role and a larger world of records (≥ 2,000 attempts).
 */
#define YZT_SWEEP_FULL 1
#include "api/test_access_sweep.c"
