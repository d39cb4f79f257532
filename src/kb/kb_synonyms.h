/*
 * Colloquial words of the hotline's callers and the legal terms the knowledge
 * base's entries use for them (打官司 -> 诉讼 起诉, 房东 -> 出租人, 小孩 ->
 * 未成年人, ...; ../shared/search.md: bigrams alone find the right entry for
 * a colloquial question only part of the time). A search is expanded on the
 * query side: the terms of every colloquial word it holds are added to it, so
 * an entry that says either is found and one that says both ranks higher. The
 * table is small and fixed (kb_synonyms.c, grown from real calls), and the
 * expansion is bounded by the caller's buffer.
 */
#ifndef YZ_KB_KB_SYNONYMS_H
#define YZ_KB_KB_SYNONYMS_H

#include <stddef.h>

/* Room an expansion needs beyond the search itself, at most. */
#define YZ_KB_SYNONYMS_EXTRA 512

/*
 * q (NUL-terminated) followed, for each colloquial word of the table it holds (in the
 * table's order), by a space and that word's legal terms, NUL-terminated in
 * out (size >= 1). A word whose terms do not fit is left out. Returns the
 * length written; 0 (out "") when q itself does not fit (a search of the API
 * is at most YZ_KB_QUERY_MAX_CPS characters: 4 bytes each plus
 * YZ_KB_SYNONYMS_EXTRA holds any with its terms).
 */
size_t yz_kb_expand(const char *q, char *out, size_t size);

#endif
