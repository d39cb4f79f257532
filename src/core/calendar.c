/*
 * Holiday calendar and legal deadlines (contract in calendar.h).
 *
 * The loaded calendar is three sorted arrays of day numbers (days since
 * 1970-01-01: holidays, make-up workdays, covered years) searched by binary
 * search, plus the breaks sorted by first day for naming rest days. That keeps
 * a lookup at a few comparisons without any per-year layout to get wrong at
 * year boundaries (a notice may list days of the previous December).
 *
 * Loading is two steps: collect every dated entry with where it came from
 * ("2025.workdays[1]"), then sort once and check the cross-entry rules
 * (duplicates, overlap, breaks against lists), so every error can name the
 * entry at fault.
 */
#include "core/calendar.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/utf8.h"
#include "core/banned.h"

struct cal_break {
    int32_t from, to; /* day numbers, inclusive */
    char *name;
};

struct yz_calendar {
    int *years; /* sorted */
    size_t nyears;
    int32_t *holidays; /* sorted day numbers */
    size_t nholidays;
    int32_t *workdays; /* sorted day numbers, all Saturdays or Sundays */
    size_t nworkdays;
    struct cal_break *breaks; /* sorted by from, not overlapping */
    size_t nbreaks;
};

/* ---- lookups ---- */

static bool has_day(const int32_t *a, size_t n, int32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else if (a[mid] > v)
            hi = mid;
        else
            return true;
    }
    return false;
}

/* The break containing day, or NULL. */
static const struct cal_break *find_break(const struct yz_calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->nbreaks; /* find the last break with from <= day */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->breaks[mid].from <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || cal->breaks[lo - 1].to < day)
        return NULL;
    return &cal->breaks[lo - 1];
}

/* 0 = Sunday ... 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
static int weekday_of(int64_t day)
{
    return (int)(((day % 7) + 11) % 7);
}

bool yz_calendar_covers_year(const struct yz_calendar *cal, int year)
{
    size_t lo = 0, hi = cal->nyears;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->years[mid] < year)
            lo = mid + 1;
        else if (cal->years[mid] > year)
            hi = mid;
        else
            return true;
    }
    return false;
}

static enum yz_day_kind classify(const struct yz_calendar *cal, int64_t day)
{
    if (has_day(cal->holidays, cal->nholidays, (int32_t)day))
        return YZ_DAY_HOLIDAY;
    int wd = weekday_of(day);
    if (wd == 0 || wd == 6)
        return has_day(cal->workdays, cal->nworkdays, (int32_t)day) ? YZ_DAY_MAKEUP_WORKDAY
                                                                    : YZ_DAY_WEEKEND;
    return YZ_DAY_WORKDAY;
}

static bool kind_is_working(enum yz_day_kind k)
{
    return k == YZ_DAY_WORKDAY || k == YZ_DAY_MAKEUP_WORKDAY;
}

bool yz_calendar_is_workday(const struct yz_calendar *cal, struct yz_date d)
{
    return kind_is_working(classify(cal, yz_date_to_days(d)));
}

void yz_calendar_describe(const struct yz_calendar *cal, struct yz_date d, struct yz_day_info *out)
{
    int32_t day = (int32_t)yz_date_to_days(d);
    memset(out, 0, sizeof *out);
    out->date = d;
    out->kind = classify(cal, day);
    out->working = kind_is_working(out->kind);
    out->covered = yz_calendar_covers_year(cal, d.year);
    switch (out->kind) {
    case YZ_DAY_HOLIDAY: {
        const struct cal_break *b = find_break(cal, day);
        out->break_name = b ? b->name : NULL; /* load guarantees a break; be safe anyway */
        snprintf(out->reason, sizeof out->reason, "%s放假", b ? b->name : "法定节假日");
        break;
    }
    case YZ_DAY_WEEKEND:
        snprintf(out->reason, sizeof out->reason, "周末休息");
        break;
    case YZ_DAY_MAKEUP_WORKDAY:
        snprintf(out->reason, sizeof out->reason, "调休上班");
        break;
    case YZ_DAY_WORKDAY:
        snprintf(out->reason, sizeof out->reason, "工作日");
        break;
    }
}

/* ---- loading ---- */

struct dated {
    int32_t day;
    bool is_workday; /* which list: workdays or holidays */
    int year;        /* key it was listed under */
    int index;       /* position in its list */
};

struct raw_break {
    int32_t from, to;
    int year, index;
    char *name;
    json_t *workdays; /* borrowed from the parsed document */
};

struct loader {
    const char *path;
    struct yz_buf *err;
    struct dated *dates;
    size_t ndates, capdates;
    struct raw_break *breaks;
    size_t nbreaks, capbreaks;
    int *years;
    size_t nyears;
};

static enum yz_err fail(struct loader *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static enum yz_err fail(struct loader *l, const char *fmt, ...)
{
    if (l->err) {
        va_list ap;
        yz_buf_addf(l->err, "%s：", l->path);
        va_start(ap, fmt);
        yz_buf_vaddf(l->err, fmt, ap);
        va_end(ap);
    }
    return YZ_ERR_CONFIG;
}

static const char *list_name(bool is_workday)
{
    return is_workday ? "workdays" : "holidays";
}

static void fmt_day(int64_t day, char out[16])
{
    yz_date_format(yz_date_from_days(day), out, 16);
}

/*
 * A date listed under year key `year`: a real date in that year, or in the
 * December before it (a notice may move days there, e.g. 2018-12-29 was a
 * make-up workday of the 2019 New Year break).
 */
static enum yz_err parse_listed_date(struct loader *l, json_t *v, int year, const char *where,
                                     int32_t *day)
{
    struct yz_date d;
    const char *s = json_string_value(v);
    if (!s)
        return fail(l, "%s 不是日期字符串（应为 \"YYYY-MM-DD\"）", where);
    if (!yz_date_parse(s, &d))
        return fail(l, "%s \"%s\" 不是有效日期（应为真实存在的 YYYY-MM-DD）", where, s);
    if (d.year != year && !(d.year == year - 1 && d.month == 12))
        return fail(l, "%s \"%s\" 不属于 %d 年（只允许该年及上一年 12 月的日期）", where, s, year);
    *day = (int32_t)yz_date_to_days(d);
    return YZ_OK;
}

static enum yz_err collect_list(struct loader *l, json_t *yobj, const char *key, int year)
{
    bool is_workday = strcmp(key, "workdays") == 0;
    json_t *arr = json_object_get(yobj, key);
    if (!json_is_array(arr))
        return fail(l, "%d.%s 缺失或不是数组", year, key);
    if (json_array_size(arr) > YZ_CALENDAR_MAX_DATES_PER_LIST)
        return fail(l, "%d.%s 有 %zu 项，超过上限 %d", year, key, json_array_size(arr),
                    YZ_CALENDAR_MAX_DATES_PER_LIST);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        char where[64];
        int32_t day;
        snprintf(where, sizeof where, "%d.%s[%zu]", year, key, i);
        enum yz_err e = parse_listed_date(l, v, year, where, &day);
        if (e != YZ_OK)
            return e;
        int wd = weekday_of(day);
        if (is_workday && wd != 0 && wd != 6)
            return fail(l, "%s \"%s\" 不是周六或周日（调休上班日只能是周末）", where,
                        json_string_value(v));
        if (l->ndates == l->capdates) {
            l->capdates = l->capdates ? 2 * l->capdates : 128;
            l->dates = yz_realloc(l->dates, l->capdates * sizeof *l->dates);
        }
        l->dates[l->ndates++] = (struct dated){day, is_workday, year, (int)i};
    }
    return YZ_OK;
}

static enum yz_err collect_breaks(struct loader *l, json_t *yobj, int year)
{
    json_t *arr = json_object_get(yobj, "breaks");
    if (!json_is_array(arr))
        return fail(l, "%d.breaks 缺失或不是数组", year);
    if (json_array_size(arr) > YZ_CALENDAR_MAX_BREAKS)
        return fail(l, "%d.breaks 有 %zu 项，超过上限 %d", year, json_array_size(arr),
                    YZ_CALENDAR_MAX_BREAKS);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *b = json_array_get(arr, i);
        char where[64];
        int32_t from, to;
        enum yz_err e;
        snprintf(where, sizeof where, "%d.breaks[%zu]", year, i);
        if (!json_is_object(b))
            return fail(l, "%s 不是对象", where);
        const char *name = json_string_value(json_object_get(b, "name"));
        if (!name || !*name)
            return fail(l, "%s.name 缺失或为空", where);
        size_t nlen = strlen(name);
        if (nlen > YZ_CALENDAR_MAX_NAME_BYTES || yz_utf8_has_control(name, nlen, false))
            return fail(l, "%s.name 过长（上限 %d 字节）或含控制字符", where,
                        YZ_CALENDAR_MAX_NAME_BYTES);
        char field[80];
        snprintf(field, sizeof field, "%s.from", where);
        if ((e = parse_listed_date(l, json_object_get(b, "from"), year, field, &from)) != YZ_OK)
            return e;
        snprintf(field, sizeof field, "%s.to", where);
        if ((e = parse_listed_date(l, json_object_get(b, "to"), year, field, &to)) != YZ_OK)
            return e;
        if (to < from)
            return fail(l, "%s（%s）的 to 早于 from", where, name);
        if (to - from + 1 > YZ_CALENDAR_MAX_BREAK_DAYS)
            return fail(l, "%s（%s）长达 %d 天，超过上限 %d 天", where, name, (int)(to - from + 1),
                        YZ_CALENDAR_MAX_BREAK_DAYS);
        json_t *off = json_object_get(b, "days_off");
        if (!json_is_integer(off) || json_integer_value(off) != to - from + 1)
            return fail(l, "%s（%s）的 days_off 应为整数 %d（from 至 to 的天数）", where, name,
                        (int)(to - from + 1));
        json_t *wds = json_object_get(b, "workdays");
        if (!json_is_array(wds) || json_array_size(wds) > YZ_CALENDAR_MAX_DATES_PER_LIST)
            return fail(l, "%s（%s）的 workdays 缺失、不是数组或过长", where, name);
        if (l->nbreaks == l->capbreaks) {
            l->capbreaks = l->capbreaks ? 2 * l->capbreaks : 16;
            l->breaks = yz_realloc(l->breaks, l->capbreaks * sizeof *l->breaks);
        }
        l->breaks[l->nbreaks++] = (struct raw_break){from, to, year, (int)i, yz_strdup(name), wds};
    }
    return YZ_OK;
}

/* "2025" -> 2025; keys are exactly four digits in the range dates may have. */
static bool parse_year_key(const char *key, int *year)
{
    int64_t v;
    if (strlen(key) != 4 || !yz_parse_i64(key, 1900, 2999, &v))
        return false;
    *year = (int)v;
    return true;
}

static int cmp_dated(const void *a, const void *b)
{
    const struct dated *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->is_workday != y->is_workday)
        return x->is_workday ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_break(const void *a, const void *b)
{
    const struct raw_break *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static enum yz_err collect(struct loader *l, json_t *root)
{
    if (!json_is_object(root))
        return fail(l, "顶层应为以年份为键的对象");
    size_t nkeys = json_object_size(root);
    l->years = yz_calloc(nkeys ? nkeys : 1, sizeof *l->years);
    for (void *it = json_object_iter(root); it; it = json_object_iter_next(root, it)) {
        const char *key = json_object_iter_key(it);
        json_t *yobj = json_object_iter_value(it);
        int year;
        enum yz_err e;
        if (key[0] == '_')
            continue; /* _meta and other annotations */
        if (!parse_year_key(key, &year))
            return fail(l, "键 \"%s\" 不是年份（应为 1900-2999 的四位数字，或以 _ 开头的说明）",
                        key);
        if (l->nyears == YZ_CALENDAR_MAX_YEARS)
            return fail(l, "年份超过上限 %d 个", YZ_CALENDAR_MAX_YEARS);
        if (!json_is_object(yobj))
            return fail(l, "%d 不是对象", year);
        l->years[l->nyears++] = year;
        if ((e = collect_list(l, yobj, "holidays", year)) != YZ_OK ||
            (e = collect_list(l, yobj, "workdays", year)) != YZ_OK ||
            (e = collect_breaks(l, yobj, year)) != YZ_OK)
            return e;
    }
    if (l->nyears == 0)
        return fail(l, "没有任何年份的节假日安排");
    return YZ_OK;
}

/* Cross-entry rules, then the final arrays. */
static enum yz_err build(struct loader *l, struct yz_calendar *cal)
{
    char d1[16], d2[16];

    qsort(l->dates, l->ndates, sizeof *l->dates, cmp_dated);
    for (size_t i = 1; i < l->ndates; i++) {
        const struct dated *a = &l->dates[i - 1], *b = &l->dates[i];
        if (a->day != b->day)
            continue;
        fmt_day(b->day, d1);
        return fail(l, "%d.%s[%d] \"%s\" 与 %d.%s[%d] 重复%s", b->year, list_name(b->is_workday),
                    b->index, d1, a->year, list_name(a->is_workday), a->index,
                    a->is_workday != b->is_workday ? "（同一天不能既放假又调休上班）" : "");
    }
    cal->holidays = yz_calloc(l->ndates ? l->ndates : 1, sizeof *cal->holidays);
    cal->workdays = yz_calloc(l->ndates ? l->ndates : 1, sizeof *cal->workdays);
    for (size_t i = 0; i < l->ndates; i++) {
        if (l->dates[i].is_workday)
            cal->workdays[cal->nworkdays++] = l->dates[i].day;
        else
            cal->holidays[cal->nholidays++] = l->dates[i].day;
    }

    qsort(l->years, l->nyears, sizeof *l->years, cmp_int);
    cal->years = l->years;
    cal->nyears = l->nyears;
    l->years = NULL;

    qsort(l->breaks, l->nbreaks, sizeof *l->breaks, cmp_break);
    for (size_t i = 0; i < l->nbreaks; i++) {
        const struct raw_break *b = &l->breaks[i];
        if (i > 0 && l->breaks[i - 1].to >= b->from) {
            const struct raw_break *a = &l->breaks[i - 1];
            return fail(l, "%d.breaks[%d]（%s）与 %d.breaks[%d]（%s）日期重叠", b->year, b->index,
                        b->name, a->year, a->index, a->name);
        }
        for (int32_t d = b->from; d <= b->to; d++)
            if (!has_day(cal->holidays, cal->nholidays, d)) {
                fmt_day(d, d1);
                return fail(l, "%d.breaks[%d]（%s）包含 %s，但该日不在 holidays 中", b->year,
                            b->index, b->name, d1);
            }
        for (size_t j = 0; j < json_array_size(b->workdays); j++) {
            json_t *v = json_array_get(b->workdays, j);
            struct yz_date wd;
            const char *s = json_string_value(v);
            if (!s || !yz_date_parse(s, &wd) ||
                !has_day(cal->workdays, cal->nworkdays, (int32_t)yz_date_to_days(wd)))
                return fail(l,
                            "%d.breaks[%d].workdays[%zu] \"%s\" 不是 workdays 中列出的调休上班日",
                            b->year, b->index, j, s ? s : "?");
        }
    }

    cal->breaks = yz_calloc(l->nbreaks ? l->nbreaks : 1, sizeof *cal->breaks);
    for (size_t i = 0; i < l->nbreaks; i++) {
        cal->breaks[i] = (struct cal_break){l->breaks[i].from, l->breaks[i].to, l->breaks[i].name};
        l->breaks[i].name = NULL; /* now owned by cal */
        cal->nbreaks++;
    }

    for (size_t i = 0; i < l->ndates; i++) {
        const struct dated *h = &l->dates[i];
        if (!h->is_workday && !find_break(cal, h->day)) {
            fmt_day(h->day, d2);
            return fail(l, "%d.holidays[%d] \"%s\" 不属于 breaks 中的任何假期（无法说明放假原因）",
                        h->year, h->index, d2);
        }
    }
    return YZ_OK;
}

/* Reads at most YZ_CALENDAR_MAX_FILE_BYTES; *data is NUL-terminated, caller frees. */
static enum yz_err read_capped(struct loader *l, char **data, size_t *len)
{
    enum yz_err e = YZ_OK;
    char *buf = NULL;
    FILE *f = fopen(l->path, "rb");
    if (!f)
        return fail(l, "无法打开节假日安排文件（%s）", strerror(errno));
    buf = yz_malloc(YZ_CALENDAR_MAX_FILE_BYTES + 2);
    size_t n = fread(buf, 1, YZ_CALENDAR_MAX_FILE_BYTES + 1, f);
    if (ferror(f)) {
        e = fail(l, "读取失败（%s）", strerror(errno));
        goto out;
    }
    if (n > YZ_CALENDAR_MAX_FILE_BYTES) {
        e = fail(l, "文件超过 %d 字节上限", YZ_CALENDAR_MAX_FILE_BYTES);
        goto out;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    fclose(f);
    return e;
}

enum yz_err yz_calendar_load(const char *path, struct yz_calendar **out, struct yz_buf *err)
{
    struct loader l = {.path = path, .err = err};
    struct yz_calendar *cal = yz_calloc(1, sizeof *cal);
    json_t *root = NULL;
    char *data = NULL;
    size_t len = 0;
    enum yz_err e;

    *out = NULL;
    if ((e = read_capped(&l, &data, &len)) != YZ_OK)
        goto out;
    json_error_t jerr;
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        e = fail(&l, "第 %d 行第 %d 列不是有效的 JSON（%s）", jerr.line, jerr.column, jerr.text);
        goto out;
    }
    if ((e = collect(&l, root)) != YZ_OK || (e = build(&l, cal)) != YZ_OK)
        goto out;
    *out = cal;
    cal = NULL;
out:
    for (size_t i = 0; i < l.nbreaks; i++)
        free(l.breaks[i].name);
    free(l.breaks);
    free(l.dates);
    free(l.years);
    json_decref(root);
    free(data);
    yz_calendar_free(cal);
    return e;
}

void yz_calendar_free(struct yz_calendar *cal)
{
    if (!cal)
        return;
    for (size_t i = 0; i < cal->nbreaks; i++)
        free(cal->breaks[i].name);
    free(cal->breaks);
    free(cal->years);
    free(cal->holidays);
    free(cal->workdays);
    free(cal);
}

/* ---- deadlines ---- */

static int days_in_month(int year, int month)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : mdays[month - 1];
}

/* Looks at one day for a computation: records an uncovered year, tells whether it is working. */
static bool consult(const struct yz_calendar *cal, int64_t day, struct yz_deadline *r)
{
    struct yz_date d = yz_date_from_days(day);
    if (!r->beyond_calendar && !yz_calendar_covers_year(cal, d.year)) {
        r->beyond_calendar = true;
        r->uncovered_year = d.year;
    }
    return kind_is_working(classify(cal, day));
}

static void report_skip(const struct yz_calendar *cal, int64_t day,
                        void (*on_skip)(void *ctx, const struct yz_day_info *day), void *ctx)
{
    if (!on_skip)
        return;
    struct yz_day_info info;
    yz_calendar_describe(cal, yz_date_from_days(day), &info);
    on_skip(ctx, &info);
}

enum yz_err yz_deadline_explain(const struct yz_calendar *cal, struct yz_date from,
                                enum yz_deadline_unit unit, int n, struct yz_deadline *out,
                                void (*on_skip)(void *ctx, const struct yz_day_info *day),
                                void *ctx)
{
    /* Past this the result would not be a date the rest of yizhan accepts. */
    const int64_t last_day = yz_date_to_days((struct yz_date){2999, 12, 31});
    struct yz_deadline r = {{0, 0, 0}, {0, 0, 0}, 0, false, 0};
    int64_t start, nominal, d;
    int max;

    if (!yz_date_valid(from.year, from.month, from.day))
        return YZ_ERR_VALIDATION;
    switch (unit) {
    case YZ_DEADLINE_DAYS:
        max = YZ_DEADLINE_MAX_DAYS;
        break;
    case YZ_DEADLINE_WORKDAYS:
        max = YZ_DEADLINE_MAX_WORKDAYS;
        break;
    case YZ_DEADLINE_MONTHS:
        max = YZ_DEADLINE_MAX_MONTHS;
        break;
    default:
        return YZ_ERR_VALIDATION;
    }
    if (n < 1 || n > max)
        return YZ_ERR_VALIDATION;

    start = yz_date_to_days(from);
    if (unit == YZ_DEADLINE_MONTHS) {
        int m0 = from.month - 1 + n; /* months since January of from.year */
        int y = from.year + m0 / 12, m = m0 % 12 + 1;
        if (y > 2999)
            return YZ_ERR_VALIDATION;
        int dim = days_in_month(y, m);
        nominal = yz_date_to_days((struct yz_date){y, m, from.day < dim ? from.day : dim});
    } else {
        nominal = start + n;
    }
    if (nominal > last_day)
        return YZ_ERR_VALIDATION;

    if (unit == YZ_DEADLINE_WORKDAYS) {
        /* RULE: deadline-workdays — count working days after the start day; make-up days count. */
        int counted = 0;
        d = start;
        while (counted < n) {
            if (++d > last_day)
                return YZ_ERR_VALIDATION;
            if (consult(cal, d, &r))
                counted++;
            else
                report_skip(cal, d, on_skip, ctx);
        }
    } else {
        /* RULE: deadline-cpl-85 — a period ending on a rest day ends on the next working day. */
        d = nominal;
        while (!consult(cal, d, &r)) {
            report_skip(cal, d, on_skip, ctx);
            if (++d > last_day)
                return YZ_ERR_VALIDATION;
        }
    }
    r.end = yz_date_from_days(d);
    r.nominal = yz_date_from_days(nominal);
    r.shifted_days = (int)(d - nominal);
    *out = r;
    return YZ_OK;
}

enum yz_err yz_deadline_compute(const struct yz_calendar *cal, struct yz_date from,
                                enum yz_deadline_unit unit, int n, struct yz_deadline *out)
{
    return yz_deadline_explain(cal, from, unit, n, out, NULL, NULL);
}
