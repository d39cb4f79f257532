/*
 * Validation of the identifiers people type into yizhan: the citizen ID
 * (GB 11643-1999), the unified social credit code of an organisation
 * (GB 32100-2015), a mainland mobile number and a lawyer's practising-licence
 * number (律师执业证号).
 *
 * Every check returns an enum yz_idnum_problem rather than a yes/no, so the
 * HTTP layer can tell the user exactly what is wrong: yz_idnum_problem_code()
 * gives the stable English code for the field error, yz_idnum_problem_message()
 * the Chinese sentence. Checks are pure functions of their arguments (the
 * citizen ID takes "today" as a parameter), allocate nothing and never read
 * past the length they are given; an embedded NUL is a charset problem.
 *
 * Checks run in a fixed order and report the first problem found: empty,
 * length, characters, structure, check character, then meaning (birth date).
 * A check character is verified before the birth date because a single typo
 * anywhere is far more likely than a well-formed number with an impossible
 * date, and the checksum message says "typo" ("核对后重新输入").
 *
 * None of these checks proves that a number was ever issued.
 */
#ifndef YZ_CORE_IDNUM_H
#define YZ_CORE_IDNUM_H

#include <stddef.h>

#include "core/clock.h"

/* What the number is, for choosing the message. */
enum yz_idnum_kind {
    YZ_IDNUM_KIND_CITIZEN_ID,     /* 公民身份号码 */
    YZ_IDNUM_KIND_USCC,           /* 统一社会信用代码 */
    YZ_IDNUM_KIND_MOBILE,         /* 手机号码 */
    YZ_IDNUM_KIND_LAWYER_LICENCE, /* 律师执业证号 */
    YZ_IDNUM_KIND__COUNT
};

/*
 * Problems, as name and stable code. Codes are append-only: API clients match
 * on them. Which kinds can report which problem:
 *   EMPTY             all (n == 0)
 *   LENGTH            all
 *   CHARSET           all (includes embedded NUL, lowercase USCC letters)
 *   FIRST_GENERATION  citizen ID: 15 digits, the pre-1999 form
 *   BIRTHDATE         citizen ID: positions 7-14
 *   CHECKSUM          citizen ID, USCC
 *   REGION            USCC: positions 3-8 are not six digits
 *   PREFIX            mobile: does not start with 13-19
 *   ORG_CODE_CHECKSUM USCC, only from yz_idnum_uscc_check_org_code()
 */
#define YZ_IDNUM_PROBLEMS(X)                                                                       \
    X(OK, "ok")                                                                                    \
    X(EMPTY, "required")                                                                           \
    X(LENGTH, "length")                                                                            \
    X(CHARSET, "charset")                                                                          \
    X(BIRTHDATE, "birthdate")                                                                      \
    X(CHECKSUM, "checksum")                                                                        \
    X(FIRST_GENERATION, "first_generation")                                                        \
    X(REGION, "region")                                                                            \
    X(PREFIX, "prefix")                                                                            \
    X(ORG_CODE_CHECKSUM, "org_code_checksum")

enum yz_idnum_problem {
#define YZ_IDNUM_PROBLEM_ENUM(name, code) YZ_IDNUM_##name,
    YZ_IDNUM_PROBLEMS(YZ_IDNUM_PROBLEM_ENUM)
#undef YZ_IDNUM_PROBLEM_ENUM
        YZ_IDNUM__COUNT
};

/* Stable English code, e.g. "checksum". Never NULL ("unknown" for out-of-range values). */
const char *yz_idnum_problem_code(enum yz_idnum_problem p);
/* A Chinese sentence for the user naming the kind of number, e.g.
 * "公民身份号码校验位不正确，请核对后重新输入". Never NULL: a problem that
 * the kind cannot report gets a generic "...格式不正确" sentence. */
const char *yz_idnum_problem_message(enum yz_idnum_kind kind, enum yz_idnum_problem p);

/* ---- Citizen ID, GB 11643-1999 ---------------------------------------- */

#define YZ_IDNUM_CITIZEN_LEN 18
/* Bytes for a normalised citizen ID with its NUL. */
#define YZ_IDNUM_CITIZEN_SIZE (YZ_IDNUM_CITIZEN_LEN + 1)

/* Codes of GB/T 2261.1 (1 male, 2 female), so they can be stored as is. */
enum yz_idnum_sex { YZ_IDNUM_SEX_MALE = 1, YZ_IDNUM_SEX_FEMALE = 2 };

struct yz_idnum_citizen {
    char number[YZ_IDNUM_CITIZEN_SIZE]; /* normalised: uppercase X */
    char region[7];                     /* positions 1-6, GB/T 2260 code; not checked to exist */
    struct yz_date birth;               /* positions 7-14 */
    enum yz_idnum_sex sex;              /* 17th digit odd = male */
};

/*
 * Checks s[0..n) as an 18-character citizen ID: 17 digits then a digit or X
 * (lowercase x is accepted and normalised to X), the ISO 7064 MOD 11-2 check
 * character, and a birth date that is a real calendar date from 1900-01-01 up
 * to and including `today` (a valid date supplied by the caller, normally the
 * Shanghai date of the request). Fifteen digits give FIRST_GENERATION (those
 * numbers have no check character; the holder has an 18-digit number now).
 * No trimming: spaces are a CHARSET or LENGTH problem.
 * out may be NULL; otherwise it is filled on YZ_IDNUM_OK and zeroed on any
 * problem. s may be NULL only when n == 0.
 */
enum yz_idnum_problem yz_idnum_citizen_check(const char *s, size_t n, struct yz_date today,
                                             struct yz_idnum_citizen *out);

/*
 * The same check, writing the normalised number (uppercase X) into out as a
 * NUL-terminated string; on a problem out is "". size must be at least
 * YZ_IDNUM_CITIZEN_SIZE (a smaller buffer is a caller bug: YZ_BUG).
 * Store and hash only the normalised form, so 11010519491231002x and
 * 11010519491231002X are the same person.
 */
enum yz_idnum_problem yz_idnum_citizen_normalise(const char *s, size_t n, struct yz_date today,
                                                 char *out, size_t size);

/* ---- Unified social credit code, GB 32100-2015 ------------------------ */

#define YZ_IDNUM_USCC_LEN 18

/*
 * Checks s[0..n) as an 18-character unified social credit code: every
 * character from the 31-character set 0123456789ABCDEFGHJKLMNPQRTUWXY
 * (uppercase only; lowercase is a CHARSET problem), positions 3-8 six digits
 * (REGION), and the MOD 31 check character at position 18. The first
 * character (registration authority) is not matched against the 2015 table,
 * because further authority codes have been allocated since. The embedded
 * GB 11714 organisation-code check is not applied (GB 32100 validity is the
 * MOD 31 check); see yz_idnum_uscc_check_org_code().
 */
enum yz_idnum_problem yz_idnum_uscc_check(const char *s, size_t n);

/*
 * yz_idnum_uscc_check() and, when that passes, the GB 11714 MOD 11 check of
 * the organisation code embedded at positions 9-17 (ORG_CODE_CHECKSUM when it
 * fails). Optional and stricter: use it where a registry requires it.
 */
enum yz_idnum_problem yz_idnum_uscc_check_org_code(const char *s, size_t n);

/* ---- Mainland mobile number ------------------------------------------ */

#define YZ_IDNUM_MOBILE_LEN 11
#define YZ_IDNUM_MOBILE_SIZE (YZ_IDNUM_MOBILE_LEN + 1)

/*
 * Checks s[0..n) as a mainland mobile number: exactly 11 digits starting with
 * 1 and then 3-9, optionally preceded by "+86" (nothing else: no "86" without
 * the plus, no spaces or hyphens). A '+' not followed by "86" is CHARSET.
 */
enum yz_idnum_problem yz_idnum_mobile_check(const char *s, size_t n);

/* The same check, writing the 11 digits (without +86) into out; "" on a
 * problem. size must be at least YZ_IDNUM_MOBILE_SIZE (smaller: YZ_BUG). */
enum yz_idnum_problem yz_idnum_mobile_normalise(const char *s, size_t n, char *out, size_t size);

/* ---- Lawyer practising-licence number (律师执业证号) ---------------------- */

#define YZ_IDNUM_LAWYER_LICENCE_LEN 17

/* Checks s[0..n) as exactly 17 ASCII digits. The digits carry a region, year
 * and category, but no check digit, so nothing more can be verified offline. */
enum yz_idnum_problem yz_idnum_lawyer_licence_check(const char *s, size_t n);

#endif
