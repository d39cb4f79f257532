/*
 * The FTS5 tokenizer "yizhan_cjk": the CJK bigram tokenizer of
 * src/search/tokenizer.h as SQLite sees it. Every connection the store opens
 * registers it before anything else runs, since a full-text table declared
 * with it (the knowledge base, migration 17) cannot be created, read or
 * written on a connection without it.
 */
#ifndef YZ_STORE_FTS_CJK_H
#define YZ_STORE_FTS_CJK_H

#include "core/buf.h"
#include "core/error.h"

#include <sqlite3.h>

#define YZ_FTS_CJK_NAME "yizhan_cjk"

/* Registers the tokenizer on db; the reason in err when FTS5 is missing. */
enum yz_err yz_fts_cjk_register(sqlite3 *db, struct yz_buf *err);

#endif
