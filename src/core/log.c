/* JSON-lines logger on stderr; a single write(2) per line keeps lines whole across threads. */
#include "core/log.h"
#include "core/clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static enum yz_log_level min_level = YZ_LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error"};

void yz_log_set_level(enum yz_log_level level)
{
    min_level = level;
}

int yz_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

bool yz_log_json_string(struct yz_buf *b, const char *s)
{
    bool ok = yz_buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++) {
        switch (*p) {
        case '"': ok = yz_buf_adds(b, "\\\""); break;
        case '\\': ok = yz_buf_adds(b, "\\\\"); break;
        case '\n': ok = yz_buf_adds(b, "\\n"); break;
        case '\r': ok = yz_buf_adds(b, "\\r"); break;
        case '\t': ok = yz_buf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                ok = yz_buf_addf(b, "\\u%04x", *p);
            else
                ok = yz_buf_addc(b, (char)*p);
        }
    }
    return ok && yz_buf_addc(b, '"');
}

void yz_log_raw_line(const char *json, size_t len)
{
    struct yz_buf line = YZ_BUF_INIT(len + 2);
    yz_buf_add(&line, json, len);
    yz_buf_addc(&line, '\n');
    ssize_t w = write(STDERR_FILENO, line.data, line.len);
    (void)w;
    yz_buf_release(&line);
}

void yz_log_at(enum yz_log_level level, const char *file, int line, const char *func,
               const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    char ts[40];
    yz_time_format_utc(yz_time_now_ms(), ts, sizeof ts);
    struct yz_buf b = YZ_BUF_INIT(8192);
    yz_buf_addf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"src\":\"%s:%d\",\"fn\":\"%s\",\"msg\":", ts,
                level_names[level], file, line, func);
    yz_log_json_string(&b, msg);
    yz_buf_addc(&b, '}');
    yz_log_raw_line(b.data, b.len);
    yz_buf_release(&b);
}
