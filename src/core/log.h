/*
 * Logging: one line per record on stderr, JSON so that log shippers need no
 * parser of their own. The macros add file, line and function. Messages must
 * never carry passwords, tokens, full ID or phone numbers (SECURITY.md 7.1.1);
 * yz_log_json_string escapes control characters so input cannot forge lines.
 */
#ifndef YZ_CORE_LOG_H
#define YZ_CORE_LOG_H

#include "core/buf.h"

enum yz_log_level { YZ_LOG_DEBUG, YZ_LOG_INFO, YZ_LOG_WARN, YZ_LOG_ERROR };

void yz_log_set_level(enum yz_log_level level);
/* Parses "debug" | "info" | "warn" | "error"; returns -1 when unknown. */
int yz_log_level_parse(const char *name);

void yz_log_at(enum yz_log_level level, const char *file, int line, const char *func,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Writes one already-formatted JSON object as a line (the access log). */
void yz_log_raw_line(const char *json, size_t len);

/* Appends s as a JSON string literal (with quotes), escaping as JSON requires. */
bool yz_log_json_string(struct yz_buf *b, const char *s);

#define yz_log_debug(...) yz_log_at(YZ_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define yz_log_info(...) yz_log_at(YZ_LOG_INFO, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define yz_log_warn(...) yz_log_at(YZ_LOG_WARN, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define yz_log_error(...) yz_log_at(YZ_LOG_ERROR, __FILE__, __LINE__, __func__, __VA_ARGS__)

#endif
