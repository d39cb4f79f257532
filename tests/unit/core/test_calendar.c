/*
 * Unit tests for src/core/calendar.c against the real data/holidays_cn.json
 * (run from the repository root). Every expected date below was worked out by
 * hand from the holiday lists in that file; the reasoning is next to each case.
 *
 * Weekdays used throughout: 2025-01-01 Wed, 2025-01-28 Tue, 2025-02-08 Sat,
 * 2025-03-15 Sat, 2025-10-01 Wed, 2026-02-14 Sat, 2026-02-15 Sun,
 * 2026-10-01 Thu, 2027-01-01 Fri.
 *
 * RULE: deadline-cpl-85, deadline-workdays
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"

#define REAL_CALENDAR "data/holidays_cn.json"

static struct yz_calendar *cal;

static struct yz_date date_of(const char *s)
{
    struct yz_date d = {0, 0, 0};
    if (!yz_date_parse(s, &d))
        fail_msg("bad date literal in test: %s", s);
    return d;
}

struct dl_case {
    const char *from;
    enum yz_deadline_unit unit;
    int n;
    const char *end;
    int shifted;
    bool beyond;
};

#define DAYS YZ_DEADLINE_DAYS
#define WDAYS YZ_DEADLINE_WORKDAYS
#define MONTHS YZ_DEADLINE_MONTHS

static void check_cases(const struct dl_case *cases, size_t count)
{
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        const struct dl_case *c = &cases[i];
        struct yz_deadline dl;
        char end[16];
        enum yz_err e = yz_deadline_compute(cal, date_of(c->from), c->unit, c->n, &dl);
        if (e != YZ_OK) {
            print_error("case %zu (%s +%d unit %d): error %d\n", i, c->from, c->n, c->unit, e);
            bad++;
            continue;
        }
        yz_date_format(dl.end, end, sizeof end);
        if (strcmp(end, c->end) != 0 || dl.shifted_days != c->shifted ||
            dl.beyond_calendar != c->beyond) {
            print_error("case %zu (%s +%d unit %d): got %s shifted %d beyond %d; "
                        "want %s shifted %d beyond %d\n",
                        i, c->from, c->n, c->unit, end, dl.shifted_days, dl.beyond_calendar, c->end,
                        c->shifted, c->beyond);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static int load_real(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(1024);
    enum yz_err e = yz_calendar_load(REAL_CALENDAR, &cal, &err);
    if (e != YZ_OK)
        fprintf(stderr, "cannot load %s: %s\n", REAL_CALENDAR, err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : -1;
}

static int free_real(void **state)
{
    yz_calendar_free(cal);
    cal = NULL;
    return 0;
}

/* ---- the calendar itself ---- */

static void covers_and_classifies(void **state)
{
    assert_true(yz_calendar_covers_year(cal, 2024));
    assert_true(yz_calendar_covers_year(cal, 2025));
    assert_true(yz_calendar_covers_year(cal, 2026));
    assert_false(yz_calendar_covers_year(cal, 2023));
    assert_false(yz_calendar_covers_year(cal, 2027));

    assert_false(yz_calendar_is_workday(cal, date_of("2025-10-01"))); /* National Day, Wednesday */
    assert_false(
        yz_calendar_is_workday(cal, date_of("2025-10-08"))); /* last day of the 2025 break */
    assert_true(yz_calendar_is_workday(cal, date_of("2025-10-09")));  /* Thursday after it */
    assert_true(yz_calendar_is_workday(cal, date_of("2025-10-11")));  /* make-up Saturday */
    assert_false(yz_calendar_is_workday(cal, date_of("2025-10-12"))); /* ordinary Sunday */
    assert_true(yz_calendar_is_workday(cal, date_of("2025-01-26")));  /* make-up Sunday */
    assert_false(yz_calendar_is_workday(cal, date_of("2025-03-15"))); /* ordinary Saturday */
    assert_true(yz_calendar_is_workday(cal, date_of("2025-03-14")));  /* ordinary Friday */
    assert_false(yz_calendar_is_workday(cal, date_of("2026-01-02"))); /* 2026 New Year, Friday */
    assert_true(yz_calendar_is_workday(cal, date_of("2026-01-04")));  /* make-up Sunday */
    assert_true(yz_calendar_is_workday(cal, date_of("2027-01-01")));  /* uncovered: a Friday */
    assert_false(yz_calendar_is_workday(cal, date_of("2027-01-02"))); /* uncovered: a Saturday */

    struct yz_day_info info;
    yz_calendar_describe(cal, date_of("2025-10-05"), &info); /* a Sunday inside the 2025 break */
    assert_int_equal(info.kind, YZ_DAY_HOLIDAY);
    assert_false(info.working);
    assert_true(info.covered);
    assert_string_equal(info.break_name, "国庆节、中秋节");
    assert_string_equal(info.reason, "国庆节、中秋节放假");
    yz_calendar_describe(cal, date_of("2026-10-01"), &info);
    assert_string_equal(info.reason, "国庆节放假");
    yz_calendar_describe(cal, date_of("2026-02-17"), &info);
    assert_string_equal(info.reason, "春节放假");
    yz_calendar_describe(cal, date_of("2025-03-15"), &info);
    assert_int_equal(info.kind, YZ_DAY_WEEKEND);
    assert_null(info.break_name);
    assert_string_equal(info.reason, "周末休息");
    yz_calendar_describe(cal, date_of("2026-02-28"), &info);
    assert_int_equal(info.kind, YZ_DAY_MAKEUP_WORKDAY);
    assert_true(info.working);
    assert_string_equal(info.reason, "调休上班");
    yz_calendar_describe(cal, date_of("2027-01-02"), &info);
    assert_int_equal(info.kind, YZ_DAY_WEEKEND);
    assert_false(info.covered);
}

/* ---- calendar-day periods ---- */

static void days_spring_festival(void **state)
{
    static const struct dl_case cases[] = {
        /* 2025 春节 off 01-28 (Tue) .. 02-04 (Tue); make-up 01-26 (Sun), 02-08 (Sat). */
        /* 01-24 + 7 = 01-31 (Fri, off); 01-31, 02-01, 02-02, 02-03, 02-04 off -> 02-05 Wed. */
        {"2025-01-24", DAYS, 7, "2025-02-05", 5, false},
        /* 01-21 + 7 = 01-28, the first day off; all 8 days off -> 02-05. */
        {"2025-01-21", DAYS, 7, "2025-02-05", 8, false},
        /* 01-19 + 7 = 01-26, a Sunday but a make-up workday: no move. */
        {"2025-01-19", DAYS, 7, "2025-01-26", 0, false},
        /* 02-01 (start on a holiday does not matter) + 7 = 02-08, make-up Saturday: no move. */
        {"2025-02-01", DAYS, 7, "2025-02-08", 0, false},

        /* 2026 春节 off 02-15 (Sun) .. 02-23 (Mon); make-up 02-14 (Sat), 02-28 (Sat). */
        /* 02-10 + 7 = 02-17 (Tue, off); 02-17 .. 02-23 off (7 days) -> 02-24 Tue. */
        {"2026-02-10", DAYS, 7, "2026-02-24", 7, false},
        /* 02-16 + 7 = 02-23, a Monday but the last day off -> 02-24. */
        {"2026-02-16", DAYS, 7, "2026-02-24", 1, false},
        /* 02-07 + 7 = 02-14, make-up Saturday before the break: no move. */
        {"2026-02-07", DAYS, 7, "2026-02-14", 0, false},
        /* 02-21 + 7 = 02-28, make-up Saturday after the break: no move. */
        {"2026-02-21", DAYS, 7, "2026-02-28", 0, false},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void days_national_day(void **state)
{
    static const struct dl_case cases[] = {
        /* 2025 国庆节、中秋节 off 10-01 (Wed) .. 10-08 (Wed); make-up 09-28 (Sun), 10-11 (Sat). */
        /* 09-26 + 7 = 10-03 (Fri, off); 10-03 .. 10-08 off (6 days) -> 10-09 Thu. */
        {"2025-09-26", DAYS, 7, "2025-10-09", 6, false},
        /* 30-day mediation: 09-04 + 30 = 10-04 (Sat, off); 10-04 .. 10-08 (5) -> 10-09. */
        {"2025-09-04", DAYS, 30, "2025-10-09", 5, false},
        /* 10-04 + 7 = 10-11, make-up Saturday: no move. */
        {"2025-10-04", DAYS, 7, "2025-10-11", 0, false},
        /* 09-21 + 7 = 09-28, make-up Sunday: no move. */
        {"2025-09-21", DAYS, 7, "2025-09-28", 0, false},

        /* 2026 国庆节 off 10-01 (Thu) .. 10-07 (Wed); make-up 09-20 (Sun), 10-10 (Sat). */
        /* 09-24 + 7 = 10-01 (Thu, off); 10-01 .. 10-07 off (7 days) -> 10-08 Thu. */
        {"2026-09-24", DAYS, 7, "2026-10-08", 7, false},
        /* 09-30 + 7 = 10-07 (Wed, last day off) -> 10-08. */
        {"2026-09-30", DAYS, 7, "2026-10-08", 1, false},
        /* 10-03 + 7 = 10-10, make-up Saturday: no move. */
        {"2026-10-03", DAYS, 7, "2026-10-10", 0, false},
        /* 09-13 + 7 = 09-20, make-up Sunday: no move. */
        {"2026-09-13", DAYS, 7, "2026-09-20", 0, false},
        /* 2026 中秋节 off 09-25 (Fri) .. 09-27 (Sun), no make-up: 09-18 + 7 = 09-25 -> 09-28 Mon.
         */
        {"2026-09-18", DAYS, 7, "2026-09-28", 3, false},
        /* 2024 国庆节 off 10-01 (Tue) .. 10-07 (Mon): 09-30 + 7 = 10-07 -> 10-08 Tue. */
        {"2024-09-30", DAYS, 7, "2024-10-08", 1, false},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

static void days_weekends_and_start_day(void **state)
{
    static const struct dl_case cases[] = {
        /* 03-08 + 7 = 03-15, an ordinary Saturday; 03-15, 03-16 off -> Monday 03-17. */
        {"2025-03-08", DAYS, 7, "2025-03-17", 2, false},
        /* 03-09 + 7 = 03-16, an ordinary Sunday -> Monday 03-17. */
        {"2025-03-09", DAYS, 7, "2025-03-17", 1, false},
        /* The start day is not counted: 1 day from Monday 03-10 ends Tuesday 03-11, not 03-10. */
        {"2025-03-10", DAYS, 1, "2025-03-11", 0, false},
        /* 03-03 + 30 = 04-02 (Wed; 清明 starts 04-04): a working day, no move. */
        {"2025-03-03", DAYS, 30, "2025-04-02", 0, false},
        /* Start on Friday 03-14, 1 day -> Saturday 03-15 -> Monday 03-17. */
        {"2025-03-14", DAYS, 1, "2025-03-17", 2, false},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* ---- working-day periods ---- */

static void workdays_across_holidays(void **state)
{
    static const struct dl_case cases[] = {
        /* From Fri 2025-01-24, 3 working days: 01-25 Sat skip; 01-26 Sun make-up = 1; 01-27 Mon
         * = 2; 01-28 .. 02-04 off (8); 02-05 Wed = 3. shifted = 02-05 - (01-24 + 3) = 9. */
        {"2025-01-24", WDAYS, 3, "2025-02-05", 9, false},
        /* From Wed 2025-02-05, 3: 02-06 Thu = 1, 02-07 Fri = 2, 02-08 Sat make-up = 3. */
        {"2025-02-05", WDAYS, 3, "2025-02-08", 0, false},
        /* From Fri 2025-09-26, 7: 09-27 Sat skip; 09-28 Sun make-up 1; 09-29 2; 09-30 3;
         * 10-01 .. 10-08 off (8); 10-09 4; 10-10 5; 10-11 Sat make-up 6; 10-12 Sun skip;
         * 10-13 Mon 7. Skipped 1 + 8 + 1 = 10. */
        {"2025-09-26", WDAYS, 7, "2025-10-13", 10, false},
        /* From Thu 2026-02-12, 7: 02-13 Fri 1; 02-14 Sat make-up 2; 02-15 .. 02-23 off (9);
         * 02-24 3; 02-25 4; 02-26 5; 02-27 6; 02-28 Sat make-up 7. Skipped 9. */
        {"2026-02-12", WDAYS, 7, "2026-02-28", 9, false},
        /* From Wed 2026-09-30, 3: 10-01 .. 10-07 off (7); 10-08 Thu 1; 10-09 Fri 2;
         * 10-10 Sat make-up 3. */
        {"2026-09-30", WDAYS, 3, "2026-10-10", 7, false},
        /* Ordinary week: from Mon 2025-03-10, 5: Tue..Fri = 4, Sat/Sun skipped, Mon 03-17 = 5. */
        {"2025-03-10", WDAYS, 5, "2025-03-17", 2, false},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* ---- month periods ---- */

static void months_with_clamping(void **state)
{
    static const struct dl_case cases[] = {
        /* 2025-08-31 + 6 months: February 2026 has no 31st and 2026 is not a leap year ->
         * 02-28, a Saturday but a make-up workday of the 2026 春节 -> no move. */
        {"2025-08-31", MONTHS, 6, "2026-02-28", 0, false},
        /* 2023-08-31 + 6 -> 2024-02-29 (leap year), a Thursday after the 2024 春节 (ended 02-17).
         * Only the end day is looked at, so the uncovered start year 2023 is not flagged. */
        {"2023-08-31", MONTHS, 6, "2024-02-29", 0, false},
        /* 2025-03-31 + 1 -> April has 30 days -> 04-30 (Wed), before 劳动节 05-01. */
        {"2025-03-31", MONTHS, 1, "2025-04-30", 0, false},
        /* 2025-12-31 + 2 crosses the year -> 2026-02-28, make-up Saturday -> no move. */
        {"2025-12-31", MONTHS, 2, "2026-02-28", 0, false},
        /* Trial period 6 months from 2025-04-01 -> 2025-10-01 (off) -> 10-09 after the break. */
        {"2025-04-01", MONTHS, 6, "2025-10-09", 8, false},
        /* Simplified procedure 3 months from 2025-11-17 -> 2026-02-17 (春节) -> 02-24. */
        {"2025-11-17", MONTHS, 3, "2026-02-24", 7, false},
        /* 2025-01-15 + 2 -> 03-15, ordinary Saturday -> Monday 03-17. */
        {"2025-01-15", MONTHS, 2, "2025-03-17", 2, false},
        /* 2024-11-30 + 3 -> 2025-02-28 (Fri; 2025 not leap), a working day. */
        {"2024-11-30", MONTHS, 3, "2025-02-28", 0, false},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);
}

/* ---- beyond the calendar ---- */

static void beyond_calendar(void **state)
{
    static const struct dl_case cases[] = {
        /* 2026-12-28 + 7 = 2027-01-04 (Mon): 2027 is not in the file -> weekends only, flagged. */
        {"2026-12-28", DAYS, 7, "2027-01-04", 0, true},
        /* 2026-12-25 + 8 = 2027-01-02 (Sat) -> Monday 01-04, flagged. */
        {"2026-12-25", DAYS, 8, "2027-01-04", 2, true},
        /* 2026-12-01 + 30 = 2026-12-31 (Thu): stays inside 2026, not flagged. */
        {"2026-12-01", DAYS, 30, "2026-12-31", 0, false},
        /* From Tue 2026-12-29, 3 working days: 12-30, 12-31, 2027-01-01 (a Friday; the real
         * 2027 New Year holiday is unknown to the file) -> flagged so callers warn. */
        {"2026-12-29", WDAYS, 3, "2027-01-01", 0, true},
        /* 2026-06-30 + 6 months = 2026-12-30 (Wed): not flagged. */
        {"2026-06-30", MONTHS, 6, "2026-12-30", 0, false},
        /* 2026-06-30 + 7 months = 2027-01-30 (Sat) -> Monday 02-01, flagged. */
        {"2026-06-30", MONTHS, 7, "2027-02-01", 2, true},
        /* 2023-06-01 + 7 = 2023-06-08 (Thu): before the calendar, flagged. */
        {"2023-06-01", DAYS, 7, "2023-06-08", 0, true},
    };
    check_cases(cases, sizeof cases / sizeof cases[0]);

    struct yz_deadline dl;
    assert_int_equal(yz_deadline_compute(cal, date_of("2026-12-28"), DAYS, 7, &dl), YZ_OK);
    assert_int_equal(dl.uncovered_year, 2027);
    assert_int_equal(yz_deadline_compute(cal, date_of("2023-06-01"), DAYS, 7, &dl), YZ_OK);
    assert_int_equal(dl.uncovered_year, 2023);
    assert_int_equal(yz_deadline_compute(cal, date_of("2026-12-01"), DAYS, 30, &dl), YZ_OK);
    assert_int_equal(dl.uncovered_year, 0);
}

/* ---- bounds ---- */

static void bounds(void **state)
{
    struct yz_deadline dl, sentinel;
    struct yz_date from = date_of("2025-01-01");
    memset(&sentinel, 0x5a, sizeof sentinel);

    static const struct {
        enum yz_deadline_unit unit;
        int n;
        bool ok;
    } b[] = {
        {DAYS, 0, false},    {DAYS, -1, false},    {DAYS, 1, true},
        {DAYS, 3650, true},  {DAYS, 3651, false},  {WDAYS, 0, false},
        {WDAYS, 1000, true}, {WDAYS, 1001, false}, {MONTHS, 0, false},
        {MONTHS, 120, true}, {MONTHS, 121, false}, {(enum yz_deadline_unit)7, 1, false},
    };
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
        dl = sentinel;
        enum yz_err e = yz_deadline_compute(cal, from, b[i].unit, b[i].n, &dl);
        if (b[i].ok) {
            assert_int_equal(e, YZ_OK);
            assert_true(dl.beyond_calendar == (b[i].n > 1)); /* 1 day stays in 2025 */
        } else {
            assert_int_equal(e, YZ_ERR_VALIDATION);
            assert_memory_equal(&dl, &sentinel, sizeof dl); /* out untouched */
        }
    }
    /* Invalid start dates. */
    assert_int_equal(yz_deadline_compute(cal, (struct yz_date){2025, 2, 29}, DAYS, 7, &dl),
                     YZ_ERR_VALIDATION);
    assert_int_equal(yz_deadline_compute(cal, (struct yz_date){2025, 13, 1}, DAYS, 7, &dl),
                     YZ_ERR_VALIDATION);
    /* The end may not pass 2999-12-31. */
    assert_int_equal(yz_deadline_compute(cal, date_of("2999-12-01"), DAYS, 60, &dl),
                     YZ_ERR_VALIDATION);
    assert_int_equal(yz_deadline_compute(cal, date_of("2999-12-01"), MONTHS, 1, &dl),
                     YZ_ERR_VALIDATION);
    assert_int_equal(yz_deadline_compute(cal, date_of("2999-12-01"), DAYS, 20, &dl), YZ_OK);
    /* 3650 days from 2025-01-01 is 2034-12-30 (Sat) -> 2035-01-01 (Mon), weekends only. */
    assert_int_equal(yz_deadline_compute(cal, from, DAYS, 3650, &dl), YZ_OK);
    assert_int_equal(dl.end.year, 2035);
    assert_int_equal(dl.end.month, 1);
    assert_int_equal(dl.end.day, 1);
}

/* ---- explanation ---- */

struct skips {
    int count;
    char lines[32][128];
};

static void collect_skip(void *ctx, const struct yz_day_info *day)
{
    struct skips *s = ctx;
    char date[16];
    yz_date_format(day->date, date, sizeof date);
    assert_false(day->working);
    if (s->count < 32)
        snprintf(s->lines[s->count], sizeof s->lines[0], "%s %s%s", date, day->reason,
                 day->covered ? "" : " (uncovered)");
    s->count++;
}

static void explain_lists_skipped_days(void **state)
{
    struct yz_deadline dl;
    struct skips s;

    /* 2026-09-24 + 7 = 10-01; the seven days of the break, weekend days included, by name. */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2026-09-24"), DAYS, 7, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 7);
    assert_string_equal(s.lines[0], "2026-10-01 国庆节放假");
    assert_string_equal(s.lines[3], "2026-10-04 国庆节放假"); /* a Sunday, but part of the break */
    assert_string_equal(s.lines[6], "2026-10-07 国庆节放假");
    assert_int_equal(dl.nominal.day, 1);
    assert_int_equal(dl.end.day, 8);

    /* Ordinary Saturday: two weekend lines. */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2025-03-08"), DAYS, 7, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.lines[0], "2025-03-15 周末休息");
    assert_string_equal(s.lines[1], "2025-03-16 周末休息");

    /* Make-up Saturday: nothing skipped. */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2026-02-21"), DAYS, 7, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 0);

    /* Working days: the skipped days while counting (one weekend day, the eight 春节 days). */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2025-01-24"), WDAYS, 3, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 9);
    assert_int_equal(s.count, dl.shifted_days);
    assert_string_equal(s.lines[0], "2025-01-25 周末休息");
    assert_string_equal(s.lines[1], "2025-01-28 春节放假");
    assert_string_equal(s.lines[8], "2025-02-04 春节放假");

    /* 2025 National Day carries the combined break name. */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2025-09-26"), DAYS, 7, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 6);
    assert_string_equal(s.lines[0], "2025-10-03 国庆节、中秋节放假");

    /* Beyond the calendar: the days are marked uncovered. */
    memset(&s, 0, sizeof s);
    assert_int_equal(
        yz_deadline_explain(cal, date_of("2026-12-25"), DAYS, 8, &dl, collect_skip, &s), YZ_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.lines[0], "2027-01-02 周末休息 (uncovered)");
}

/* ---- loading and validation with temporary files ---- */

/* A small valid calendar for 2030: 10-01 (Tue) and 10-02 (Wed) off, Sunday 09-29 and
 * Saturday 2029-12-29 (the December before, which a notice may move) are make-up days. */
#define MINI_OK                                                                                    \
    "{\"_meta\": {\"what\": \"test\"}, \"2030\": {\"holidays\": [\"2030-10-01\", \"2030-10-02\"]," \
    " \"workdays\": [\"2030-09-29\", \"2029-12-29\"], \"breaks\": [{\"name\": \"国庆节\","      \
    " \"from\": \"2030-10-01\", \"to\": \"2030-10-02\", \"days_off\": 2,"                          \
    " \"workdays\": [\"2030-09-29\"]}]}}"

static void write_temp(const char *text, char *path, size_t size)
{
    snprintf(path, size, "/tmp/yz_test_calendar_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

/* Loads text from a temp file; expects failure with every needle in the message. */
static void expect_bad(const char *text, const char *needle1, const char *needle2)
{
    char path[64];
    struct yz_buf err = YZ_BUF_INIT(2048);
    struct yz_calendar *c = (struct yz_calendar *)&err; /* must be reset to NULL */
    write_temp(text, path, sizeof path);
    enum yz_err e = yz_calendar_load(path, &c, &err);
    unlink(path);
    if (e != YZ_ERR_CONFIG || !strstr(err.data, path) || (needle1 && !strstr(err.data, needle1)) ||
        (needle2 && !strstr(err.data, needle2)))
        fail_msg("load of bad calendar: error %d, message \"%s\", wanted \"%s\" and \"%s\"", e,
                 err.data, needle1 ? needle1 : "", needle2 ? needle2 : "");
    assert_null(c);
    yz_buf_release(&err);
}

static void valid_small_file(void **state)
{
    char path[64];
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_calendar *c = NULL;
    struct yz_deadline dl;
    write_temp(MINI_OK, path, sizeof path);
    enum yz_err e = yz_calendar_load(path, &c, &err);
    unlink(path);
    if (e != YZ_OK)
        fail_msg("%s", err.data);
    assert_true(yz_calendar_covers_year(c, 2030));
    assert_false(yz_calendar_covers_year(c, 2025));
    assert_false(yz_calendar_is_workday(c, date_of("2030-10-01")));
    assert_true(yz_calendar_is_workday(c, date_of("2030-09-29")));
    assert_true(yz_calendar_is_workday(c, date_of("2029-12-29")));
    /* 2025 is not in this file: National Day 2025 is an ordinary Wednesday here. */
    assert_true(yz_calendar_is_workday(c, date_of("2025-10-01")));
    /* 09-24 + 7 = 10-01 (off), 10-02 (off) -> Thursday 10-03. */
    assert_int_equal(yz_deadline_compute(c, date_of("2030-09-24"), DAYS, 7, &dl), YZ_OK);
    assert_int_equal(dl.end.day, 3);
    assert_int_equal(dl.shifted_days, 2);
    assert_false(dl.beyond_calendar);
    yz_calendar_free(c);
    yz_calendar_free(NULL);
    yz_buf_release(&err);
}

static void malformed_files(void **state)
{
    /* Not JSON at all, and a duplicate key (which would silently drop a year). */
    expect_bad("{\"2030\": [", "JSON", NULL);
    expect_bad("{\"2030\": {\"holidays\": [], \"workdays\": [], \"breaks\": []},"
               " \"2030\": {\"holidays\": [], \"workdays\": [], \"breaks\": []}}",
               "JSON", NULL);
    /* Keys must be years. */
    expect_bad("{\"20x0\": {\"holidays\": [], \"workdays\": [], \"breaks\": []}}", "\"20x0\"",
               "不是年份");
    expect_bad("{\"_meta\": {}}", "没有任何年份", NULL);
    /* A date that does not exist. */
    expect_bad("{\"2030\": {\"holidays\": [\"2030-02-30\"], \"workdays\": [], \"breaks\": []}}",
               "2030.holidays[0]", "2030-02-30");
    /* A date of another year. */
    expect_bad("{\"2030\": {\"holidays\": [\"2031-01-01\"], \"workdays\": [], \"breaks\": []}}",
               "2030.holidays[0]", "不属于 2030 年");
    /* A make-up workday on a Tuesday (2030-10-08). */
    expect_bad("{\"2030\": {\"holidays\": [], \"workdays\": [\"2030-09-29\", \"2030-10-08\"],"
               " \"breaks\": []}}",
               "2030.workdays[1]", "不是周六或周日");
    /* Not a string. */
    expect_bad("{\"2030\": {\"holidays\": [20301001], \"workdays\": [], \"breaks\": []}}",
               "2030.holidays[0]", "不是日期字符串");
    /* Missing list. */
    expect_bad("{\"2030\": {\"holidays\": [], \"breaks\": []}}", "2030.workdays", "缺失");
    /* The same Saturday both off and a make-up workday. */
    expect_bad("{\"2030\": {\"holidays\": [\"2030-09-28\"], \"workdays\": [\"2030-09-28\"],"
               " \"breaks\": [{\"name\": \"x\", \"from\": \"2030-09-28\", \"to\": \"2030-09-28\","
               " \"days_off\": 1, \"workdays\": []}]}}",
               "2030.workdays[0]", "既放假又调休上班");
    /* A date listed twice. */
    expect_bad("{\"2030\": {\"holidays\": [\"2030-10-01\", \"2030-10-01\"], \"workdays\": [],"
               " \"breaks\": []}}",
               "2030.holidays[1]", "重复");
    /* days_off disagrees with from..to. */
    expect_bad(
        "{\"2030\": {\"holidays\": [\"2030-10-01\", \"2030-10-02\"], \"workdays\": [],"
        " \"breaks\": [{\"name\": \"国庆节\", \"from\": \"2030-10-01\", \"to\": \"2030-10-02\","
        " \"days_off\": 3, \"workdays\": []}]}}",
        "2030.breaks[0]", "days_off");
    /* A break day that is not in holidays. */
    expect_bad(
        "{\"2030\": {\"holidays\": [\"2030-10-01\"], \"workdays\": [],"
        " \"breaks\": [{\"name\": \"国庆节\", \"from\": \"2030-10-01\", \"to\": \"2030-10-02\","
        " \"days_off\": 2, \"workdays\": []}]}}",
        "2030-10-02", "不在 holidays 中");
    /* A holiday no break explains. */
    expect_bad(
        "{\"2030\": {\"holidays\": [\"2030-10-01\", \"2030-12-25\"], \"workdays\": [],"
        " \"breaks\": [{\"name\": \"国庆节\", \"from\": \"2030-10-01\", \"to\": \"2030-10-01\","
        " \"days_off\": 1, \"workdays\": []}]}}",
        "2030.holidays[1]", "2030-12-25");
    /* A break's make-up day that is not in workdays. */
    expect_bad(
        "{\"2030\": {\"holidays\": [\"2030-10-01\"], \"workdays\": [],"
        " \"breaks\": [{\"name\": \"国庆节\", \"from\": \"2030-10-01\", \"to\": \"2030-10-01\","
        " \"days_off\": 1, \"workdays\": [\"2030-09-29\"]}]}}",
        "2030.breaks[0].workdays[0]", "2030-09-29");
    /* Missing file: the message names the path. */
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_calendar *c = NULL;
    assert_int_equal(yz_calendar_load("/nonexistent/holidays_cn.json", &c, &err), YZ_ERR_CONFIG);
    assert_null(c);
    assert_non_null(strstr(err.data, "/nonexistent/holidays_cn.json"));
    yz_buf_release(&err);
}

static void oversized_file_refused(void **state)
{
    size_t n = YZ_CALENDAR_MAX_FILE_BYTES + 16;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, ' ', n);
    text[n] = '\0';
    text[0] = '{';
    text[n - 1] = '}';
    expect_bad(text, "上限", NULL);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(covers_and_classifies),
        cmocka_unit_test(days_spring_festival),
        cmocka_unit_test(days_national_day),
        cmocka_unit_test(days_weekends_and_start_day),
        cmocka_unit_test(workdays_across_holidays),
        cmocka_unit_test(months_with_clamping),
        cmocka_unit_test(beyond_calendar),
        cmocka_unit_test(bounds),
        cmocka_unit_test(explain_lists_skipped_days),
        cmocka_unit_test(valid_small_file),
        cmocka_unit_test(malformed_files),
        cmocka_unit_test(oversized_file_refused),
    };
    return cmocka_run_group_tests(tests, load_real, free_real);
}
