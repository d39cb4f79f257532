/* The session cache (session_cache.h): direct-mapped slots under one mutex. */
#include "accounts/session_cache.h"
#include "core/buf.h"
#include "store/store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct yz_session_cache {
    pthread_mutex_t lock;
    uint64_t gen; /* bumped by every watched change; guarded by lock */
    int64_t hits, misses;
    struct yz_session_entry slot[YZ_SESSION_CACHE_SLOTS];
    /* Sessions whose activity write is on its way (guarded by lock). */
    char touching[YZ_SESSION_TOUCHES_MAX][65];
    int ntouching;
};

static size_t slot_of(const char *token_hash)
{
    /* The hash is a uniformly random hex string: its first 8 digits will do. */
    size_t h = 0;
    for (int i = 0; i < 8 && token_hash[i]; i++)
        h = h * 16 + (size_t)(token_hash[i] <= '9' ? token_hash[i] - '0' : token_hash[i] - 'a' + 10);
    return h % YZ_SESSION_CACHE_SLOTS;
}

/* A sessions row changed (rowid) or too many to tell (0): drop its entries. */
static void session_changed(void *arg, int64_t rowid)
{
    struct yz_session_cache *c = arg;
    pthread_mutex_lock(&c->lock);
    c->gen++;
    for (size_t i = 0; i < YZ_SESSION_CACHE_SLOTS; i++)
        if (c->slot[i].token_hash[0] && (rowid == 0 || c->slot[i].rowid == rowid))
            c->slot[i].token_hash[0] = '\0';
    pthread_mutex_unlock(&c->lock);
}

/* A user changed (role, court, name, status...): drop everything. */
static void user_changed(void *arg, int64_t rowid)
{
    session_changed(arg, 0);
}

struct yz_session_cache *yz_session_cache_new(struct yz_store *s)
{
    struct yz_session_cache *c = yz_calloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    yz_store_watch(s, "sessions", session_changed, c);
    yz_store_watch(s, "users", user_changed, c);
    return c;
}

void yz_session_cache_free(struct yz_session_cache *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c);
}

uint64_t yz_session_cache_gen(struct yz_session_cache *c)
{
    pthread_mutex_lock(&c->lock);
    uint64_t g = c->gen;
    pthread_mutex_unlock(&c->lock);
    return g;
}

bool yz_session_cache_get(struct yz_session_cache *c, const char *token_hash, int64_t now,
                          struct yz_session_entry *out)
{
    struct yz_session_entry *e = &c->slot[slot_of(token_hash)];
    pthread_mutex_lock(&c->lock);
    bool hit = e->token_hash[0] && strcmp(e->token_hash, token_hash) == 0 &&
               now >= e->loaded_at && now - e->loaded_at < YZ_SESSION_CACHE_TTL_MS;
    if (hit) {
        *out = *e;
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void yz_session_cache_put(struct yz_session_cache *c, const struct yz_session_entry *e,
                          uint64_t gen)
{
    pthread_mutex_lock(&c->lock);
    if (c->gen == gen)
        c->slot[slot_of(e->token_hash)] = *e;
    pthread_mutex_unlock(&c->lock);
}

void yz_session_cache_stats(struct yz_session_cache *c, struct yz_session_cache_stats *out)
{
    pthread_mutex_lock(&c->lock);
    out->hits = c->hits;
    out->misses = c->misses;
    out->entries = 0;
    for (size_t i = 0; i < YZ_SESSION_CACHE_SLOTS; i++)
        out->entries += c->slot[i].token_hash[0] != '\0';
    pthread_mutex_unlock(&c->lock);
}

bool yz_session_cache_touch_claim(struct yz_session_cache *c, const char *token_hash)
{
    pthread_mutex_lock(&c->lock);
    bool claimed = c->ntouching < YZ_SESSION_TOUCHES_MAX;
    for (int i = 0; claimed && i < c->ntouching; i++)
        claimed = strcmp(c->touching[i], token_hash) != 0;
    if (claimed)
        yz_strlcpy(c->touching[c->ntouching++], token_hash, sizeof c->touching[0]);
    pthread_mutex_unlock(&c->lock);
    return claimed;
}

void yz_session_cache_touch_release(struct yz_session_cache *c, const char *token_hash)
{
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->ntouching; i++)
        if (strcmp(c->touching[i], token_hash) == 0) {
            c->ntouching--;
            memcpy(c->touching[i], c->touching[c->ntouching], sizeof c->touching[i]);
            break;
        }
    pthread_mutex_unlock(&c->lock);
}
