/*
 * Time. Everything is stored in UTC as milliseconds since the epoch and shown
 * in Asia/Shanghai, which has been UTC+8 without daylight saving since 1991,
 * so display needs no tz database. Dates (deadlines, birth dates) are civil
 * dates without a zone: struct yz_date.
 */
#ifndef YZ_CORE_CLOCK_H
#define YZ_CORE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YZ_SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)

struct yz_date {
    int year, month, day; /* month 1-12, day 1-31 */
};

/* Wall-clock time, UTC ms. Tests may pin it with yz_time_set_fake(). */
int64_t yz_time_now_ms(void);
/* Monotonic ms, for durations only. */
int64_t yz_time_mono_ms(void);
/* Sleeps ms milliseconds (none when ms <= 0), the whole of them across signals. */
void yz_time_sleep_ms(int64_t ms);
/* Pins yz_time_now_ms() to a value (0 to unpin); for tests only. */
void yz_time_set_fake(int64_t ms);

/* "2026-11-29T14:57:29.123Z"; size >= 25. */
void yz_time_format_utc(int64_t ms, char *out, size_t size);
/* "2026-11-29T22:57:29+08:00", Asia/Shanghai; size >= 26. */
void yz_time_format_shanghai(int64_t ms, char *out, size_t size);
/* The civil date in Asia/Shanghai at instant ms (what a court calls "today"). */
struct yz_date yz_date_of_shanghai(int64_t ms);
/* Today's date in Asia/Shanghai as "YYYY-MM-DD" (the form deadlines store); size >= 11. */
void yz_today_text(char *out, size_t size);

bool yz_date_valid(int year, int month, int day);
/* Parses exactly "YYYY-MM-DD" into a real calendar date (year 1900-2999). */
bool yz_date_parse(const char *s, struct yz_date *out);
/* "YYYY-MM-DD"; size >= 11. */
void yz_date_format(struct yz_date d, char *out, size_t size);
/* Days since 1970-01-01 and back (proleptic Gregorian). */
int64_t yz_date_to_days(struct yz_date d);
struct yz_date yz_date_from_days(int64_t days);
/* 0 = Sunday ... 6 = Saturday. */
int yz_date_weekday(struct yz_date d);

#endif
