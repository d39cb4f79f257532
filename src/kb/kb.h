/*
 * The 12368 knowledge base (法律问答): question and answer pairs the hotline
 * agent and the public search in Chinese. Seeded at `yizhan init` from
 * data/kb_lecoqa.jsonl (LeCoQA, MIT licence: data/kb_lecoqa.LICENSE), stored in
 * kb_entries and indexed in the FTS5 table kb_fts with the CJK bigram
 * tokenizer (src/search/tokenizer.h, ../shared/search.md).
 *
 * A search tokenizes the question query-side (bigrams; a lone character as
 * itself), ORs the distinct tokens and ranks with BM25, the question column
 * weighing 1.0 and the answer 0.3: an entry whose question says what the
 * caller asks comes before one whose long answer mentions it. The ranking is
 * computed in memory (kb_index.h: the same BM25, about 25 times fewer
 * instructions than FTS5's bm25() over the OR); FTS5 ranks what the index
 * does not answer (a lone character in the search). Before the search is
 * tokenized, the legal terms of the callers' words it holds are added to it
 * (kb_synonyms.h: 打官司 -> 诉讼 起诉 ...).
 */
#ifndef YZ_KB_KB_H
#define YZ_KB_KB_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct yz_tx;
struct yz_app;
struct yz_kb_index;

#define YZ_KB_SEED_FILE "kb_lecoqa.jsonl" /* in the data directory */
#define YZ_KB_SEED_SOURCE "LeCoQA"
#define YZ_KB_QUERY_MAX_CPS 100   /* characters of a search */
#define YZ_KB_LIMIT_DEFAULT 10
#define YZ_KB_LIMIT_MAX 50
#define YZ_KB_TOKENS_MAX 64       /* distinct tokens of a search that count */
#define YZ_KB_ENTRIES_MAX 20000   /* entries one import file may hold */
#define YZ_KB_LINE_MAX 65536      /* bytes of one line of an import file */
#define YZ_KB_ID_MAX 64           /* bytes of an entry's source id */
#define YZ_KB_QUESTION_MAX_CPS 500
#define YZ_KB_ANSWER_MAX_CPS 10000

/*
 * Imports a JSONL file, one {"id", "question", "answer"} object per line,
 * inside the write transaction tx, as entries of `source`. Idempotent: an id
 * already present is skipped. When anything was added, one "kb.imported"
 * event on the stream "kb" records the file, the source and the count.
 * *added is the number of new entries. A malformed file (a line too long, not
 * an object, a missing or over-long field, control characters, more than
 * YZ_KB_ENTRIES_MAX lines) is YZ_ERR_CONFIG with the line number in err, and
 * nothing of it is kept (the caller's transaction fails).
 */
enum yz_err yz_kb_import(struct yz_tx *tx, struct yz_app *app, const char *path,
                         const char *source, int *added, struct yz_buf *err);

/*
 * The FTS5 MATCH expression for the search q[0..n): its distinct query-side
 * tokens, each quoted, joined by OR ("离婚" OR "诉讼" OR "abc"), at most
 * YZ_KB_TOKENS_MAX of them, written to out (NUL-terminated; size >= 1).
 * Returns the number of tokens; 0 when q has nothing to search for (only
 * punctuation or spaces), and then out is "".
 */
size_t yz_kb_match_expr(const char *q, size_t n, char *out, size_t size);
#define YZ_KB_MATCH_EXPR_SIZE (YZ_KB_TOKENS_MAX * 40)

/*
 * The entries matching q, best first, at most limit (1..YZ_KB_LIMIT_MAX):
 * *items (the caller's) is an array of {id, question, answer, source}.
 * YZ_ERR_VALIDATION when q holds nothing to search for. idx (kb_index.h, the
 * app's) ranks in memory; with NULL, FTS5 ranks (the same order).
 */
enum yz_err yz_kb_search(struct yz_tx *tx, struct yz_kb_index *idx, const char *q, int limit,
                         json_t **items);
/* The same search as the reply of GET /api/v1/kb, appended to out as JSON
 * text without a jansson tree: {"q", "items", "total"}, byte for byte what
 * the tree of yz_kb_search would be written as (core/jsonwrite.h).
 * YZ_ERR_INTERNAL when out's cap is reached. */
enum yz_err yz_kb_search_text(struct yz_tx *tx, struct yz_kb_index *idx, const char *q, int limit,
                              struct yz_buf *out);

/* One entry as {id, question, answer, source}; YZ_ERR_NOT_FOUND if none. */
enum yz_err yz_kb_get(struct yz_tx *tx, int64_t id, json_t **out);

/* The number of entries. */
enum yz_err yz_kb_count(struct yz_tx *tx, int64_t *count);

#endif
