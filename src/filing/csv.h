/*
 * A strict RFC 4180 reader for uploaded tables (bulk filing) and the matching
 * writer for downloadable reports. Strict because a table that is read
 * "leniently" can shift a citizen ID into the address column without anyone
 * noticing: every deviation is an error naming the line and column.
 *
 * Reading: fields are separated by ',' and records by CRLF, LF or a lone CR
 * (Excel on old Macs). A field that contains ',', '"' or a line break must be
 * quoted; a '"' inside it is written twice. A leading UTF-8 byte-order mark
 * is dropped (Excel's "CSV UTF-8" writes one). Empty lines between records
 * are skipped (they are not records); a line break after the last record is
 * optional. Every record must have as many fields as the first one (the
 * header). Each field must be valid UTF-8 without NUL bytes and at most
 * max_field_bytes long after unquoting. The reader copies the input once:
 * all fields live in one buffer owned by struct yz_csv.
 *
 * Writing: fields are quoted when they need it, records end with CRLF, and a
 * field that a spreadsheet would take for a formula (leading = + - @, tab or
 * CR) is prefixed with an apostrophe (OWASP "CSV injection").
 */
#ifndef YZ_FILING_CSV_H
#define YZ_FILING_CSV_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

struct yz_csv_limits {
    size_t max_field_bytes; /* per field, after unquoting (> 0) */
    size_t max_columns;     /* fields per record (> 0) */
    size_t max_records;     /* records, the header included (> 0) */
};

struct yz_csv_record {
    const struct yz_slice *fields; /* count fields; each NUL-terminated at p[n] */
    size_t count;
    size_t line; /* physical line (1-based) on which the record starts */
};

struct yz_csv {
    struct yz_csv_record *records;
    size_t count;
    /* private: the unquoted text of every field, and the field table */
    char *text;
    struct yz_slice *fields;
};

struct yz_csv_error {
    const char *code;  /* stable: csv_invalid_utf8, csv_nul, csv_bare_quote,
                          csv_unterminated_quote, csv_text_after_quote, csv_ragged,
                          csv_field_too_long, csv_too_many_columns, csv_too_many_records */
    size_t line;       /* 1-based physical line of the problem (0 = none) */
    size_t column;     /* 1-based field number (0 = not about one field) */
    char message[256]; /* Chinese, naming line and column */
};

/*
 * Reads n bytes at p. YZ_OK: *out holds the records (possibly none, for an
 * input without any); release it with yz_csv_release. YZ_ERR_VALIDATION:
 * *err says what and where, *out is empty. The input need not be
 * NUL-terminated and is not kept.
 */
enum yz_err yz_csv_parse(const char *p, size_t n, const struct yz_csv_limits *lim,
                         struct yz_csv *out, struct yz_csv_error *err);
/* Frees what yz_csv_parse allocated and empties c; harmless on an empty one. */
void yz_csv_release(struct yz_csv *c);

/* Appends one field (n bytes at s), quoted when needed, with a ',' before it
 * unless first. false (b as it was) when b's maximum would be passed. */
bool yz_csv_write_field(struct yz_buf *b, const char *s, size_t n, bool first);
/* Ends a record (CRLF). false when b's maximum would be passed. */
bool yz_csv_write_end(struct yz_buf *b);

#endif
