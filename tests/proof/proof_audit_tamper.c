/*
 * `make proof`: 200 random tamperings of the history (tests/api/test_audit_tamper.c),
 * each one detected by `yizhan audit verify`.
 */
#define YZT_TAMPER_ROUNDS 200
#include "api/test_audit_tamper.c"
