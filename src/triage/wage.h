/*
 * The small-claims yardstick: the province's previous-year average annual
 * wage of employed persons (CPL art. 165: small claims up to 50% of it). The
 * figure changes every year on the date the high court's notice takes effect,
 * so it is a dated configuration list (fees.average_wage), each entry in force
 * from its date until the next one:
 *
 *   fees.average_wage = 2024-01-06:12172400,2025-01-10:12800000
 *
 * Empty (the default) means not known: the Chongqing figure has not been
 * published in a source we could check (shared/data/NOTES.md), and the rules
 * then exclude small claims and say why rather than guess.
 */
#ifndef YZ_TRIAGE_WAGE_H
#define YZ_TRIAGE_WAGE_H

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

#define YZ_WAGE_MAX_ENTRIES 32
#define YZ_WAGE_MAX_FEN INT64_C(100000000000) /* 10 亿元: far above any wage */

struct yz_wage_entry {
    struct yz_date from;
    int64_t fen;
};
struct yz_wages {
    struct yz_wage_entry e[YZ_WAGE_MAX_ENTRIES];
    int n; /* ascending by date */
};

struct yz_config;
/* Parses fees.average_wage; on error appends "fees.average_wage: ..." to err. */
enum yz_err yz_wages_from_config(const struct yz_config *cfg, struct yz_wages *out,
                                 struct yz_buf *err);
/* Parses the list text itself ("" = no entries). */
enum yz_err yz_wages_parse(const char *text, struct yz_wages *out, struct yz_buf *err);
/* The figure in force on day d; false when none is (not configured, or d before the first). */
bool yz_wages_at(const struct yz_wages *w, struct yz_date d, int64_t *fen);

#endif
