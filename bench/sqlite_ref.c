/*
 * The storage ceiling for durable writes: raw SQLite inserting rows of a given
 * size with the durability yizhan uses (WAL, synchronous=FULL), either one row
 * per transaction (what one commit per request costs) or K rows per
 * transaction (what batching, i.e. group commit, can reach). One connection,
 * one prepared statement, no server in between: nothing yizhan does can be
 * faster than this on the same disk. Bounded by time and by row count.
 *
 * usage: sqlite_ref --db PATH --row-bytes N [--batch K] [--seconds S] [--max-rows M]
 * Prints one line:
 *   sqlite_ref rows=R seconds=T rows_per_s=X commits=C commit_p50_us=A commit_p99_us=B
 *   row_bytes=N batch=K sqlite=VERSION
 * PATH must not exist yet (the program refuses to write into someone's database).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/num.h"
#include "core/banned.h"

#define ROW_BYTES_MAX (1 << 20)
#define BATCH_MAX 100000
#define SECONDS_MAX 600
#define ROWS_MAX 100000000
/* Commit latencies kept for the percentiles; later commits are not sampled. */
#define SAMPLES_MAX 1000000

struct opts {
    const char *db;
    int64_t row_bytes, batch, seconds, max_rows;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int usage(void)
{
    fprintf(stderr, "usage: sqlite_ref --db PATH --row-bytes N [--batch K] [--seconds S] "
                    "[--max-rows M]\n");
    return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int64_t *dst = NULL, max = 0, min = 1;
        if (!v)
            return usage();
        if (strcmp(k, "--db") == 0) {
            o->db = v;
        } else if (strcmp(k, "--row-bytes") == 0) {
            dst = &o->row_bytes, max = ROW_BYTES_MAX;
        } else if (strcmp(k, "--batch") == 0) {
            dst = &o->batch, max = BATCH_MAX;
        } else if (strcmp(k, "--seconds") == 0) {
            dst = &o->seconds, max = SECONDS_MAX;
        } else if (strcmp(k, "--max-rows") == 0) {
            dst = &o->max_rows, max = ROWS_MAX;
        } else {
            return usage();
        }
        if (dst && !yz_parse_i64(v, min, max, dst)) {
            fprintf(stderr, "sqlite_ref: %s: %s is not in %lld..%lld\n", k, v, (long long)min,
                    (long long)max);
            return 2;
        }
        i++;
    }
    if (!o->db || !o->row_bytes)
        return usage();
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite_ref: %s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Printable filler that differs from row to row, as real records do. */
static void fill(char *body, int64_t n, int64_t row)
{
    for (int64_t i = 0; i < n; i++)
        body[i] = (char)('a' + (int)((row * 31 + i * 7) % 26));
}

int main(int argc, char **argv)
{
    struct opts o = {.batch = 1, .seconds = 5, .max_rows = ROWS_MAX};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    if (access(o.db, F_OK) == 0 || errno != ENOENT) {
        fprintf(stderr, "sqlite_ref: %s already exists\n", o.db);
        return 2;
    }

    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    char *body = malloc((size_t)o.row_bytes);
    int64_t *lat = malloc(sizeof *lat * SAMPLES_MAX);
    int64_t rows = 0, commits = 0, start = 0, elapsed = 0, deadline = 0, n = 0;
    rc = 1;
    if (!body || !lat) {
        fprintf(stderr, "sqlite_ref: out of memory\n");
        goto out;
    }
    if (sqlite3_open(o.db, &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite_ref: %s: %s\n", o.db, sqlite3_errmsg(db));
        goto out;
    }
    if (exec(db, "PRAGMA journal_mode=WAL") || exec(db, "PRAGMA synchronous=FULL") ||
        exec(db, "CREATE TABLE rows(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL,"
                 " body BLOB NOT NULL)"))
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO rows(created_at, body) VALUES (?, ?)", -1, &ins,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite_ref: prepare: %s\n", sqlite3_errmsg(db));
        goto out;
    }

    start = now_us();
    deadline = start + o.seconds * 1000000;
    while (rows < o.max_rows && now_us() < deadline) {
        int64_t t0 = now_us();
        if (exec(db, "BEGIN"))
            goto out;
        for (int64_t k = 0; k < o.batch && rows < o.max_rows; k++, rows++) {
            fill(body, o.row_bytes, rows);
            sqlite3_bind_int64(ins, 1, t0);
            sqlite3_bind_blob(ins, 2, body, (int)o.row_bytes, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE) {
                fprintf(stderr, "sqlite_ref: insert: %s\n", sqlite3_errmsg(db));
                goto out;
            }
            sqlite3_reset(ins);
        }
        if (exec(db, "COMMIT"))
            goto out;
        if (commits < SAMPLES_MAX)
            lat[commits] = now_us() - t0;
        commits++;
    }
    elapsed = now_us() - start;

    n = commits < SAMPLES_MAX ? commits : SAMPLES_MAX;
    qsort(lat, (size_t)n, sizeof *lat, cmp_i64);
    printf("sqlite_ref rows=%lld seconds=%.3f rows_per_s=%.1f commits=%lld commit_p50_us=%lld "
           "commit_p99_us=%lld row_bytes=%lld batch=%lld sqlite=%s\n",
           (long long)rows, (double)elapsed / 1e6,
           elapsed > 0 ? (double)rows * 1e6 / (double)elapsed : 0.0, (long long)commits,
           (long long)(n ? lat[n / 2] : 0), (long long)(n ? lat[(n * 99) / 100] : 0),
           (long long)o.row_bytes, (long long)o.batch, sqlite3_libversion());
    rc = 0;
out:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    free(body);
    free(lat);
    return rc;
}
