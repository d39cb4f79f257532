/*
 * libFuzzer target: the identity validators (src/core/idnum.h) — citizen ID
 * (GB 11643), unified social credit code (GB 32100, with and without the
 * organisation-code check), mobile number, lawyer's licence number — on any
 * bytes, including the normalising forms and the messages for every result.
 */
#include "core/clock.h"
#include "core/idnum.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct yz_date today = {2026, 11, 29};
    char citizen[YZ_IDNUM_CITIZEN_SIZE], mobile[YZ_IDNUM_MOBILE_SIZE];
    enum yz_idnum_problem p[7];
    p[0] = yz_idnum_citizen_check(s, size, today, NULL);
    p[1] = yz_idnum_citizen_normalise(s, size, today, citizen, sizeof citizen);
    p[2] = yz_idnum_uscc_check(s, size);
    p[3] = yz_idnum_uscc_check_org_code(s, size);
    p[4] = yz_idnum_mobile_check(s, size);
    p[5] = yz_idnum_mobile_normalise(s, size, mobile, sizeof mobile);
    p[6] = yz_idnum_lawyer_licence_check(s, size);
    for (int i = 0; i < 7; i++) {
        if (!yz_idnum_problem_code(p[i]))
            __builtin_trap();
        (void)yz_idnum_problem_message(YZ_IDNUM_KIND_CITIZEN_ID, p[i]);
    }
    /* A number accepted once normalises to itself. */
    if (p[1] == YZ_IDNUM_OK &&
        yz_idnum_citizen_check(citizen, strlen(citizen), today, NULL) != YZ_IDNUM_OK)
        __builtin_trap();
    return 0;
}
