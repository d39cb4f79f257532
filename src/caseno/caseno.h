/*
 * Case numbers (案号) per 最高人民法院《关于人民法院案件案号的若干规定》:
 * （2026）渝0103民初1234号 — full-width parentheses, the year the case was
 * registered, the court's code, the case-type code (代字) and the sequence
 * number of that court, year and type, then 号.
 *
 * Numbers are taken in the registering transaction from a counter row per
 * (court, year, type code): the increment and the case row commit together,
 * so numbers are unique and gap-free however many clerks register at once
 * (a rolled-back registration returns its number with it).
 */
#ifndef YZ_CASENO_CASENO_H
#define YZ_CASENO_CASENO_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_tx;

#define YZ_CASENO_MAX 96 /* bytes, NUL included */

struct yz_caseno {
    int year;
    char court_code[16]; /* 渝0103 */
    char type_code[32];  /* 民初 */
    int64_t seq;
};

/* Formats; false when a part is empty or out of range (year 1949..2999, seq 1..99999999). */
bool yz_caseno_format(const struct yz_caseno *c, char *out, size_t size);
/* Parses a case number, also with ASCII parentheses (as people type them).
 * The court code is the province character plus 0-4 digits; the type code the
 * CJK characters after it. */
bool yz_caseno_parse(const char *s, struct yz_caseno *out);
/* Takes the next sequence number for (court, year, type) inside tx. */
enum yz_err yz_caseno_next(struct yz_tx *tx, int64_t court_id, int year, const char *type_code,
                           int64_t *seq);

#endif
