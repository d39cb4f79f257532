/*
 * `make proof`: tests/api/test_auth_attacks.c with the timing-class bound on
 * failed logins for known and unknown accounts asserted.
 */
#define YZT_AUTH_PROOF 1
#include "api/test_auth_attacks.c"
