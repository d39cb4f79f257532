/*
 * The knowledge base's ranking in memory: the same BM25 as FTS5's
 * bm25(kb_fts, 1.0, 0.3) over the same CJK bigram tokens, computed from
 * postings held in memory instead of by FTS5.
 *
 * Why: a question ORs its bigrams, and FTS5 visits every entry that holds any
 * of them, gathers its instances and reads its size from kb_fts_docsize for
 * bm25: about 14,000 instructions per candidate, and one common bigram (可以
 * is in 787 of the 1,542 entries, 合同 in 575) makes hundreds of candidates:
 * 7.4M instructions per search on the evaluation set (bench/kb_callgrind.sh).
 * Dropping the common bigrams from the query saved at most half of that and
 * lost quality (top-1 93 -> 89 of 102 at a 5 % document-frequency cut). The
 * entries change only by import, so the postings are built once from
 * kb_entries, and a search adds up about 10 instructions per posting.
 *
 * What it holds: for each distinct bigram or ASCII word of the entries (as the
 * document side of src/search/tokenizer.h gives them; single characters are
 * not held), the entries holding it with its count in the question and in the
 * answer; for each entry its size in tokens as FTS5 counts it (positions:
 * colocated unigrams do not count). Terms are held as 64-bit hashes of their
 * bytes (two distinct terms of one knowledge base colliding is about
 * 10^-10 likely; they would then count as one term). 8 bytes per posting
 * and 16 per term: 2.5 MB for the seed (0.22M postings, 49k terms).
 *
 * Freshness: a search first reads max(id) of kb_entries in its own
 * transaction; when it differs from what the postings were built from, they
 * are rebuilt from that transaction (entries are only ever added, never
 * changed or deleted, so max(id) names the content). Thread-safe: searches
 * share a read lock, a rebuild takes the write lock.
 *
 * Not answered here (the caller falls back to FTS5): a search holding a lone
 * character (FTS5 finds it through the colocated unigrams), and a knowledge
 * base of more entries than the index's bound or more than
 * YZ_KB_INDEX_POSTINGS_MAX postings (bounded memory).
 */
#ifndef YZ_KB_KB_INDEX_H
#define YZ_KB_KB_INDEX_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_tx;
struct yz_kb_index;

#define YZ_KB_INDEX_ENTRIES_MAX 20000    /* the app's bound (yz_kb_index_new) */
#define YZ_KB_INDEX_POSTINGS_MAX 2000000 /* 16 MB */
#define YZ_KB_BM25_K1 1.2                /* FTS5's constants */
#define YZ_KB_BM25_B 0.75
#define YZ_KB_WEIGHT_QUESTION 1.0
#define YZ_KB_WEIGHT_ANSWER 0.3

/* An empty index (built by the first search) for at most max_entries entries
 * (YZ_KB_INDEX_ENTRIES_MAX in the app); NULL only if out of memory. */
struct yz_kb_index *yz_kb_index_new(uint32_t max_entries);
void yz_kb_index_free(struct yz_kb_index *idx); /* NULL is harmless */

/*
 * The ids of the entries matching q[0..n) (any of its distinct query-side
 * tokens, the first YZ_KB_TOKENS_MAX), best first as bm25(kb_fts, 1.0, 0.3)
 * ranks them, ties by id; at most limit of them into ids, *count of them.
 * *answered is false (and nothing else is set) when this search is for FTS5
 * (see above). Errors are the store's.
 */
enum yz_err yz_kb_index_rank(struct yz_kb_index *idx, struct yz_tx *tx, const char *q, size_t n,
                             int limit, int64_t *ids, int *count, bool *answered);

#endif
