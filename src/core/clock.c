/* Civil-date arithmetic (Howard Hinnant's days_from_civil) and UTC/Shanghai formatting. */
#include "core/clock.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t fake_now;

void yz_time_set_fake(int64_t ms)
{
    atomic_store(&fake_now, ms);
}

int64_t yz_time_now_ms(void)
{
    int64_t fake = atomic_load(&fake_now);
    if (fake)
        return fake;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t yz_time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void yz_time_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec left = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

int64_t yz_date_to_days(struct yz_date d)
{
    int64_t y = d.year - (d.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d.month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct yz_date yz_date_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    struct yz_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

int yz_date_weekday(struct yz_date d)
{
    int64_t z = yz_date_to_days(d);
    return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

bool yz_date_valid(int year, int month, int day)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1)
        return false;
    int max = mdays[month - 1];
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && leap)
        max = 29;
    return day <= max;
}

bool yz_date_parse(const char *s, struct yz_date *out)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < len[i]; j++) {
            char c = s[start[i] + j];
            if (c < '0' || c > '9')
                return false;
            v[i] = v[i] * 10 + (c - '0');
        }
    if (!yz_date_valid(v[0], v[1], v[2]))
        return false;
    out->year = v[0];
    out->month = v[1];
    out->day = v[2];
    return true;
}


static void split(int64_t ms, struct yz_date *d, int *h, int *m, int *s, int *milli)
{
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rem = ms - days * 86400000;
    *d = yz_date_from_days(days);
    *h = (int)(rem / 3600000);
    *m = (int)(rem / 60000 % 60);
    *s = (int)(rem / 1000 % 60);
    *milli = (int)(rem % 1000);
}

static void two_digits(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* YYYY-MM-DD into out[0..9], for a year of 0..9999 and two-digit month and day. */
static void ymd(char *out, struct yz_date d)
{
    two_digits(out, d.year / 100);
    two_digits(out + 2, d.year % 100);
    out[4] = '-';
    two_digits(out + 5, d.month);
    out[7] = '-';
    two_digits(out + 8, d.day);
}

/* Digit by digit for the same reason as the UTC time below (deadlines and
 * dashboard counters format dates by the million in a bulk import); the
 * printf form for what does not fit YYYY-MM-DD. */
void yz_date_format(struct yz_date d, char *out, size_t size)
{
    if (size < sizeof "0000-00-00" || d.year < 0 || d.year > 9999 || d.month < 0 ||
        d.month > 99 || d.day < 0 || d.day > 99) {
        snprintf(out, size, "%04d-%02d-%02d", d.year, d.month, d.day);
        return;
    }
    ymd(out, d);
    out[10] = '\0';
}

/* Every reply carries times in this form, so it is written digit by digit:
 * snprintf was a twentieth of a point read's instructions. */
void yz_time_format_utc(int64_t ms, char *out, size_t size)
{
    struct yz_date d;
    int h, m, s, milli;
    split(ms, &d, &h, &m, &s, &milli);
    if (size < sizeof "0000-00-00T00:00:00.000Z" || d.year < 0 || d.year > 9999) {
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day, h, m,
                 s, milli);
        return;
    }
    ymd(out, d);
    out[10] = 'T';
    two_digits(out + 11, h);
    out[13] = ':';
    two_digits(out + 14, m);
    out[16] = ':';
    two_digits(out + 17, s);
    out[19] = '.';
    out[20] = (char)('0' + milli / 100);
    two_digits(out + 21, milli % 100);
    out[23] = 'Z';
    out[24] = '\0';
}

void yz_time_format_shanghai(int64_t ms, char *out, size_t size)
{
    struct yz_date d;
    int h, m, s, milli;
    split(ms + YZ_SHANGHAI_OFFSET_MS, &d, &h, &m, &s, &milli);
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", d.year, d.month, d.day, h, m, s);
}

struct yz_date yz_date_of_shanghai(int64_t ms)
{
    struct yz_date d;
    int h, m, s, milli;
    split(ms + YZ_SHANGHAI_OFFSET_MS, &d, &h, &m, &s, &milli);
    return d;
}

void yz_today_text(char *out, size_t size)
{
    yz_date_format(yz_date_of_shanghai(yz_time_now_ms()), out, size);
}
