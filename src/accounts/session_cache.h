/*
 * A bounded in-memory cache of resolved sessions, so that a request with a
 * session token does not query the database to learn who is asking.
 *
 * Correctness: the cache watches the sessions and users tables through the
 * store's writer (yz_store_watch): a session row updated or deleted (logout,
 * revocation, last-seen) drops that session's entry, any change to a user
 * drops every entry, both before the writing request is answered. An entry
 * read from the database is only stored if no such change happened while it
 * was read (a generation count), so a read racing a revocation cannot bring
 * the revoked session back. Expiry and idle time are checked on every hit
 * against the entry's own figures. Writes by another process (the CLI) do not
 * pass through this writer: an entry lives at most YZ_SESSION_CACHE_TTL_MS,
 * which bounds how long such a change can go unseen.
 *
 * It also keeps the sessions whose last activity is being recorded (a
 * detached write, session.c), so that the requests arriving before that write
 * commits do not queue another one each.
 */
#ifndef YZ_ACCOUNTS_SESSION_CACHE_H
#define YZ_ACCOUNTS_SESSION_CACHE_H

#include "policy/principal.h"

#include <stdbool.h>
#include <stdint.h>

#define YZ_SESSION_CACHE_SLOTS 2048
#define YZ_SESSION_CACHE_TTL_MS 5000
#define YZ_SESSION_TOUCHES_MAX 64 /* activity writes on their way at once */

struct yz_store;
struct yz_session_cache;

struct yz_session_entry {
    char token_hash[65];
    int64_t rowid; /* of the sessions row */
    struct yz_principal who;
    char csrf[65];
    int64_t last_seen, idle_ms, expires_at;
    int64_t loaded_at; /* UTC ms */
};

struct yz_session_cache_stats {
    int64_t hits, misses, entries;
};

/* Creates the cache and registers its watches on s. */
struct yz_session_cache *yz_session_cache_new(struct yz_store *s);
void yz_session_cache_free(struct yz_session_cache *c);

/* The generation to take before reading a session from the database and to
 * hand to put(). */
uint64_t yz_session_cache_gen(struct yz_session_cache *c);
/* Copies the entry for token_hash into out if there is a live one. */
bool yz_session_cache_get(struct yz_session_cache *c, const char *token_hash, int64_t now,
                          struct yz_session_entry *out);
/* Stores e unless the cache changed since gen was taken. */
void yz_session_cache_put(struct yz_session_cache *c, const struct yz_session_entry *e,
                          uint64_t gen);
void yz_session_cache_stats(struct yz_session_cache *c, struct yz_session_cache_stats *out);

/* true when the caller is to record the activity of token_hash: no such
 * write is on its way already, and fewer than YZ_SESSION_TOUCHES_MAX are.
 * The caller releases it once the write is over (or was not queued). */
bool yz_session_cache_touch_claim(struct yz_session_cache *c, const char *token_hash);
void yz_session_cache_touch_release(struct yz_session_cache *c, const char *token_hash);

#endif
