/*
 * The durability proof (SECURITY.md T18, T19, T21, T26): a load generator
 * that files matters with attachments from concurrent clients, each request
 * with an Idempotency-Key, and records every filing as attempted,
 * acknowledged, failed or unknown; a disturbance (SIGKILL of the server, a
 * simulated power cut, failing fsync, a full disk) at random moments; retries
 * of every unknown with the same keys; and the checks afterwards:
 *
 *   - every acknowledged filing is present with the id it was acknowledged
 *     with, and byte-identical: SHA-256 of its stored text and of its
 *     attachment's stored bytes equal what the client sent;
 *   - nothing is present that was never attempted, and no key created two
 *     records (duplicates);
 *   - PRAGMA integrity_check is "ok" and `yizhan audit verify` passes.
 *
 * The cmocka suites (tests/api/test_durability.c, fast, in `make test`; the
 * tests/proof/proof_*.c suites in `make proof`) drive it with different
 * options and print the figures as their last lines.
 */
#ifndef YZT_DURABILITY_H
#define YZT_DURABILITY_H

#include "lib/apitest.h"

#include <stdbool.h>
#include <stdint.h>

enum yzd_fault {
    YZD_KILL,       /* SIGKILL the server at a random moment */
    YZD_POWER_CUT,  /* the same with the lose-unsynced VFS shim: unsynced writes die with it */
    YZD_FSYNC_FAIL, /* fsync fails for a while (VFS shim); the server keeps running */
    YZD_DISK_FULL,  /* the data directory is a small tmpfs, filled for a while */
    YZD_STRACE_EIO, /* strace attached to the real server makes a syscall fail with EIO */
};

struct yzd_options {
    const char *suite;      /* the name printed with the figures */
    enum yzd_fault fault;
    int rounds;             /* disturbances */
    int clients;            /* concurrent client threads (each its own account) */
    int min_ms, max_ms;     /* a disturbance comes this long after a round's load starts */
    bool sync_normal;       /* negative control: synchronous=NORMAL (test builds only) */
    const char *tmpfs_dir;  /* YZD_DISK_FULL: a mounted tmpfs to hold the data directory */
    /* YZD_STRACE_EIO: round r injects EIO into syscalls[r % count] (NULL-terminated list)
     * from its Nth call on after strace attached (even rounds: that call only), N =
     * 1 + r / count, while strace stays attached; then strace detaches, the server must
     * acknowledge again, and it is restarted (graceful stop, start on the same data). */
    const char *const *syscalls;
};

struct yzd_figures {
    int rounds;
    long attempted;    /* filings sent at least once */
    long acknowledged; /* answered 201 */
    long failed;       /* ended with a definite refusal (4xx, or 5xx never resolved) */
    long unknown;      /* never answered even after retries (should be 0) */
    long retries;      /* requests repeated with the same key */
    long storage_errors; /* 503/507 problem+json answers during faults */
    long lost;         /* acknowledged but absent, or with another id */
    long corrupted;    /* present but not byte-identical */
    long duplicates;   /* extra records for one key */
    long phantoms;     /* records never attempted */
    long bad_answers;  /* a 5xx that is not a clear storage problem; a round that never recovered */
    long sessions_lost; /* accounts whose acknowledged login answered 401 later */
    bool integrity_ok;
    bool audit_ok;
};

/* Runs the whole proof: its own server (demo system), load, disturbances,
 * retries, checks. Fails the cmocka test only on harness trouble; findings
 * go into *f for the caller to assert on. */
void yzd_run(const struct yzd_options *o, struct yzd_figures *f);

/*
 * A tmpfs of the given size ("64m") mounted on a fresh directory under /tmp
 * (dir, at least 64 bytes), for YZD_DISK_FULL. False, with the reason in why,
 * when mounting is not permitted (not root, no CAP_SYS_ADMIN): the caller
 * skips with that message. yzd_tmpfs_unmount unmounts and removes it.
 */
bool yzd_tmpfs_mount(const char *size, char *dir, size_t dirsize, char *why, size_t whysize);
void yzd_tmpfs_unmount(const char *dir);

/*
 * T26: n requests (n <= 16) with one Idempotency-Key and one JSON body, sent
 * by n threads at the same moment with c's session to POST path. Fills
 * status[i] (0: no answer) and id[i] (the "id" member of a JSON answer, else 0).
 */
void yzd_same_key_at_once(const struct yzt_client *c, const char *path, const char *body,
                          const char *key, int n, long *status, int64_t *id);

/* Findings: lost + corrupted + duplicates + phantoms + bad answers + failed checks. */
long yzd_findings(const struct yzd_figures *f);

/* The figures, one per line, prefixed by the suite name. */
void yzd_print(const struct yzd_options *o, const struct yzd_figures *f);

#endif
