/*
 * The legal-deadline calendar: which days are working days in the PRC
 * (State Council holiday notices, data/holidays_cn.json) and the one function
 * every deadline in yizhan is computed with.
 *
 * A day is a non-working day when the file lists it under `holidays`, or when
 * it is a Saturday or Sunday that the file does not list under `workdays`
 * (make-up working days, 调休上班). For a year the file does not cover only
 * weekends are rest days, and every computation that had to look at such a
 * day says so (struct yz_deadline.beyond_calendar) so callers can warn.
 *
 * RULE: deadline-cpl-85 — Civil Procedure Law (2023) art. 85: the start day
 * is not counted; a period whose last day is a rest day ends on the next
 * working day. Month periods follow Civil Code art. 202 (the corresponding
 * day of the final month, or its last day when it has none).
 */
#ifndef YZ_CORE_CALENDAR_H
#define YZ_CORE_CALENDAR_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

/* Limits on the calendar file; a file past any of them is refused. */
#define YZ_CALENDAR_MAX_FILE_BYTES (1024 * 1024)
#define YZ_CALENDAR_MAX_YEARS 100
#define YZ_CALENDAR_MAX_DATES_PER_LIST 366 /* per year, for holidays and for workdays */
#define YZ_CALENDAR_MAX_BREAKS 32          /* per year */
#define YZ_CALENDAR_MAX_BREAK_DAYS 31      /* one break spans at most this many days */
#define YZ_CALENDAR_MAX_NAME_BYTES 64      /* a break name, e.g. "国庆节、中秋节" */

/* Bounds on the length of a period (inclusive); outside them YZ_ERR_VALIDATION. */
#define YZ_DEADLINE_MAX_DAYS 3650
#define YZ_DEADLINE_MAX_WORKDAYS 1000
#define YZ_DEADLINE_MAX_MONTHS 120

struct yz_calendar; /* opaque, immutable once loaded: safe to share between threads */

/*
 * Loads and validates a holiday file. The file is a JSON object whose keys are
 * years ("2025"; keys starting with '_' are metadata and ignored), each an
 * object with:
 *   holidays: ["YYYY-MM-DD", ...]   days off (may include weekend days of a break)
 *   workdays: ["YYYY-MM-DD", ...]   Saturdays/Sundays that are working days
 *   breaks:   [{name, from, to, days_off, workdays}, ...]  the named breaks
 * Checked strictly: every date is a real date in the key's year (or in the
 * December before it, since a notice may move days there); workdays are
 * Saturdays or Sundays; no date is listed twice or in both lists; every break
 * is from <= to, at most YZ_CALENDAR_MAX_BREAK_DAYS long, has days_off equal
 * to its length, lies entirely in `holidays`, lists only dates of `workdays`;
 * breaks do not overlap and every holiday belongs to exactly one break (so
 * every rest day can be explained by name). Limits above.
 *
 * On success *out is a new calendar (free with yz_calendar_free). On failure
 * *out is NULL, the result is YZ_ERR_CONFIG and err receives one Chinese line
 * naming the file and the bad entry, e.g.
 *   data/holidays_cn.json：2025.workdays[1] "2025-02-05" 不是周六或周日…
 */
enum yz_err yz_calendar_load(const char *path, struct yz_calendar **out, struct yz_buf *err);
/* NULL is fine. */
void yz_calendar_free(struct yz_calendar *cal);

/* Whether the file has an entry for this year. */
bool yz_calendar_covers_year(const struct yz_calendar *cal, int year);
/* Working day by the rule above (for an uncovered year: Monday-Friday). d must be valid. */
bool yz_calendar_is_workday(const struct yz_calendar *cal, struct yz_date d);

enum yz_day_kind {
    YZ_DAY_WORKDAY,        /* Monday-Friday, not a holiday */
    YZ_DAY_MAKEUP_WORKDAY, /* Saturday/Sunday turned into a working day (调休上班) */
    YZ_DAY_WEEKEND,        /* ordinary Saturday/Sunday */
    YZ_DAY_HOLIDAY,        /* listed in holidays */
};

struct yz_day_info {
    struct yz_date date;
    enum yz_day_kind kind;
    bool working;           /* kind is WORKDAY or MAKEUP_WORKDAY */
    bool covered;           /* the calendar covers date's year */
    const char *break_name; /* HOLIDAY: the break's name (owned by the calendar); else NULL */
    char reason[96]; /* Chinese, for people: "国庆节放假", "周末休息", "调休上班", "工作日" */
};

/* Everything the calendar knows about one (valid) day. */
void yz_calendar_describe(const struct yz_calendar *cal, struct yz_date d, struct yz_day_info *out);

enum yz_deadline_unit { YZ_DEADLINE_DAYS, YZ_DEADLINE_WORKDAYS, YZ_DEADLINE_MONTHS };

struct yz_deadline {
    struct yz_date end;     /* the last day of the period (always a working day) */
    struct yz_date nominal; /* before moving: from+n days, or the corresponding day (MONTHS) */
    int shifted_days;       /* end - nominal in days (for WORKDAYS: rest days skipped) */
    bool beyond_calendar;   /* a day whose status mattered lies in a year the file lacks */
    int uncovered_year;     /* the first such year, 0 when none */
};

/*
 * Computes the end of a period of n units starting on `from` (not counted):
 *   DAYS      from+n; when a rest day, the next working day;
 *   WORKDAYS  the n-th working day after from (make-up days count, rest days are skipped);
 *   MONTHS    the same day of the month n months later, or that month's last day when it
 *             has no such day; when a rest day, the next working day.
 * Bounds: DAYS 1..YZ_DEADLINE_MAX_DAYS, WORKDAYS 1..YZ_DEADLINE_MAX_WORKDAYS, MONTHS
 * 1..YZ_DEADLINE_MAX_MONTHS. Returns YZ_ERR_VALIDATION (out untouched) when n is out of
 * bounds, the unit is unknown, from is not a valid date, or the end would pass 2999-12-31.
 *
 * beyond_calendar is set only for days whose status was looked at: for DAYS and MONTHS the
 * nominal end and the rest days after it, for WORKDAYS every day after from. A start date in
 * an uncovered year therefore does not set it by itself.
 */
enum yz_err yz_deadline_compute(const struct yz_calendar *cal, struct yz_date from,
                                enum yz_deadline_unit unit, int n, struct yz_deadline *out);

/*
 * Like yz_deadline_compute, and also calls on_skip (when not NULL) once for every rest
 * day that moved the end, in date order: for DAYS and MONTHS the rest days from the
 * nominal end on, for WORKDAYS the rest days passed while counting. `day` is valid only
 * during the call. This is what `yizhan deadline --explain` prints.
 */
enum yz_err yz_deadline_explain(const struct yz_calendar *cal, struct yz_date from,
                                enum yz_deadline_unit unit, int n, struct yz_deadline *out,
                                void (*on_skip)(void *ctx, const struct yz_day_info *day),
                                void *ctx);

#endif
