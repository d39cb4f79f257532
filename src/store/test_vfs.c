/*
 * The "powercut" VFS of test builds (see test_vfs.h). Each database, WAL or
 * journal file has one overlay, shared by every connection of the process
 * that opens the same path: the blocks written since the last sync, the
 * file's logical size, and the "floor" below which the real file's bytes are
 * still current (a truncation lowers it; bytes at or above it read as zero
 * unless an overlay block holds them). xSync writes the overlay into the real
 * file and fsyncs it; nothing else reaches the real file. The shared-memory
 * index (-shm) passes through: after a crash SQLite rebuilds it from the WAL.
 * Memory-mapped I/O is not offered (iVersion 2), so every read comes here.
 */
#ifdef YZ_TEST_BUILD

#include "store/test_vfs.h"
#include "core/error.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLK 4096
#define BUCKETS 1024

struct block {
    sqlite3_int64 idx;
    struct block *next;
    unsigned char data[BLK];
};

struct overlay {
    char *path;
    int refs;
    struct overlay *next;
    pthread_mutex_t mu;
    sqlite3_int64 size;  /* logical size */
    sqlite3_int64 floor; /* real bytes at or above this are stale */
    struct block *tab[BUCKETS];
};

struct pc_file {
    sqlite3_file base;
    struct overlay *ov; /* NULL: a temporary file, passed through */
    sqlite3_file *real;
};

static sqlite3_vfs *parent;
static sqlite3_vfs pc_vfs;
static const char *fail_sync_path;
static const char *fail_read_path;
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static struct overlay *registry;

#define REAL(f) (((struct pc_file *)(f))->real)
#define OV(f) (((struct pc_file *)(f))->ov)

/* ---- overlays ----------------------------------------------------------------- */

static struct block **slot(struct overlay *ov, sqlite3_int64 idx)
{
    struct block **b = &ov->tab[(size_t)idx % BUCKETS];
    while (*b && (*b)->idx != idx)
        b = &(*b)->next;
    return b;
}

static void drop_blocks(struct overlay *ov, sqlite3_int64 from_idx)
{
    for (int i = 0; i < BUCKETS; i++) {
        struct block **b = &ov->tab[i];
        while (*b) {
            if ((*b)->idx >= from_idx) {
                struct block *gone = *b;
                *b = gone->next;
                free(gone);
            } else {
                b = &(*b)->next;
            }
        }
    }
}

static struct overlay *overlay_get(const char *path, sqlite3_file *real)
{
    pthread_mutex_lock(&registry_mu);
    struct overlay *ov = registry;
    while (ov && strcmp(ov->path, path) != 0)
        ov = ov->next;
    if (!ov) {
        ov = yz_calloc(1, sizeof *ov);
        ov->path = yz_strdup(path);
        pthread_mutex_init(&ov->mu, NULL);
        sqlite3_int64 n = 0;
        real->pMethods->xFileSize(real, &n);
        ov->size = ov->floor = n;
        ov->next = registry;
        registry = ov;
    }
    ov->refs++;
    pthread_mutex_unlock(&registry_mu);
    return ov;
}

/* The last close forgets what was never synced: a power cut after close. */
static void overlay_put(struct overlay *ov)
{
    pthread_mutex_lock(&registry_mu);
    if (--ov->refs == 0) {
        struct overlay **p = &registry;
        while (*p != ov)
            p = &(*p)->next;
        *p = ov->next;
        drop_blocks(ov, 0);
        pthread_mutex_destroy(&ov->mu);
        free(ov->path);
        free(ov);
    }
    pthread_mutex_unlock(&registry_mu);
}

/* The block, created from the current content when absent. */
static int block_for(struct overlay *ov, sqlite3_file *real, sqlite3_int64 idx, struct block **out)
{
    struct block **b = slot(ov, idx);
    if (!*b) {
        struct block *nb = yz_calloc(1, sizeof *nb);
        nb->idx = idx;
        sqlite3_int64 at = idx * BLK;
        if (at < ov->floor) {
            int rc = real->pMethods->xRead(real, nb->data, BLK, at);
            if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) {
                free(nb);
                return rc;
            }
            if (ov->floor - at < BLK)
                memset(nb->data + (ov->floor - at), 0, (size_t)(BLK - (ov->floor - at)));
        }
        *b = nb;
    }
    *out = *b;
    return SQLITE_OK;
}

static bool sync_fails(void)
{
    return fail_sync_path && access(fail_sync_path, F_OK) == 0;
}

static bool read_fails(void)
{
    return fail_read_path && access(fail_read_path, F_OK) == 0;
}

/* ---- io methods ---------------------------------------------------------------- */

static int pc_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods->xClose(REAL(f));
    if (OV(f))
        overlay_put(OV(f));
    return rc;
}

static int pc_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    struct overlay *ov = OV(f);
    sqlite3_file *real = REAL(f);
    if (!ov)
        return real->pMethods->xRead(real, buf, amt, off);
    if (read_fails())
        return SQLITE_IOERR_READ;
    unsigned char *out = buf;
    pthread_mutex_lock(&ov->mu);
    memset(out, 0, (size_t)amt);
    int rc = SQLITE_OK;
    if (off < ov->floor) {
        int n = ov->floor - off < amt ? (int)(ov->floor - off) : amt;
        rc = real->pMethods->xRead(real, out, n, off);
        if (rc == SQLITE_IOERR_SHORT_READ)
            rc = SQLITE_OK;
    }
    for (sqlite3_int64 i = off / BLK; rc == SQLITE_OK && i <= (off + amt - 1) / BLK; i++) {
        struct block *b = *slot(ov, i);
        if (!b)
            continue;
        sqlite3_int64 lo = i * BLK > off ? i * BLK : off;
        sqlite3_int64 hi = (i + 1) * BLK < off + amt ? (i + 1) * BLK : off + amt;
        memcpy(out + (lo - off), b->data + (lo - i * BLK), (size_t)(hi - lo));
    }
    if (rc == SQLITE_OK && off + amt > ov->size) {
        sqlite3_int64 keep = ov->size > off ? ov->size - off : 0;
        memset(out + keep, 0, (size_t)(amt - keep));
        rc = SQLITE_IOERR_SHORT_READ;
    }
    pthread_mutex_unlock(&ov->mu);
    return rc;
}

static int pc_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    struct overlay *ov = OV(f);
    sqlite3_file *real = REAL(f);
    if (!ov)
        return real->pMethods->xWrite(real, buf, amt, off);
    const unsigned char *in = buf;
    pthread_mutex_lock(&ov->mu);
    int rc = SQLITE_OK;
    for (sqlite3_int64 i = off / BLK; i <= (off + amt - 1) / BLK; i++) {
        struct block *b;
        rc = block_for(ov, real, i, &b);
        if (rc != SQLITE_OK)
            break;
        sqlite3_int64 lo = i * BLK > off ? i * BLK : off;
        sqlite3_int64 hi = (i + 1) * BLK < off + amt ? (i + 1) * BLK : off + amt;
        memcpy(b->data + (lo - i * BLK), in + (lo - off), (size_t)(hi - lo));
    }
    if (rc == SQLITE_OK && off + amt > ov->size)
        ov->size = off + amt;
    pthread_mutex_unlock(&ov->mu);
    return rc;
}

static int pc_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    struct overlay *ov = OV(f);
    if (!ov)
        return REAL(f)->pMethods->xTruncate(REAL(f), size);
    pthread_mutex_lock(&ov->mu);
    drop_blocks(ov, (size + BLK - 1) / BLK);
    struct block *b = *slot(ov, size / BLK);
    if (b && size % BLK)
        memset(b->data + size % BLK, 0, (size_t)(BLK - size % BLK));
    if (size < ov->floor)
        ov->floor = size;
    ov->size = size;
    pthread_mutex_unlock(&ov->mu);
    return SQLITE_OK;
}

static int pc_sync(sqlite3_file *f, int flags)
{
    struct overlay *ov = OV(f);
    sqlite3_file *real = REAL(f);
    if (!ov)
        return real->pMethods->xSync(real, flags);
    pthread_mutex_lock(&ov->mu);
    int rc = SQLITE_OK;
    if (sync_fails()) {
        /* EIO from fsync: the kernel drops the dirty pages; the file reads
         * as it last was on disk. */
        drop_blocks(ov, 0);
        sqlite3_int64 n = 0;
        real->pMethods->xFileSize(real, &n);
        ov->size = ov->floor = n;
        rc = SQLITE_IOERR_FSYNC;
        goto out;
    }
    sqlite3_int64 real_size = 0;
    rc = real->pMethods->xFileSize(real, &real_size);
    if (rc == SQLITE_OK && ov->floor < real_size)
        rc = real->pMethods->xTruncate(real, ov->floor);
    for (int i = 0; rc == SQLITE_OK && i < BUCKETS; i++)
        for (struct block *b = ov->tab[i]; rc == SQLITE_OK && b; b = b->next) {
            sqlite3_int64 at = b->idx * BLK;
            if (at >= ov->size)
                continue;
            int n = ov->size - at < BLK ? (int)(ov->size - at) : BLK;
            rc = real->pMethods->xWrite(real, b->data, n, at);
        }
    if (rc == SQLITE_OK)
        rc = real->pMethods->xFileSize(real, &real_size);
    if (rc == SQLITE_OK && real_size != ov->size)
        rc = real->pMethods->xTruncate(real, ov->size);
    if (rc == SQLITE_OK)
        rc = real->pMethods->xSync(real, flags);
    if (rc == SQLITE_OK) {
        drop_blocks(ov, 0);
        ov->floor = ov->size;
    }
out:
    pthread_mutex_unlock(&ov->mu);
    return rc;
}

static int pc_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    struct overlay *ov = OV(f);
    if (!ov)
        return REAL(f)->pMethods->xFileSize(REAL(f), size);
    pthread_mutex_lock(&ov->mu);
    *size = ov->size;
    pthread_mutex_unlock(&ov->mu);
    return SQLITE_OK;
}

static int pc_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int pc_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int pc_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int pc_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int pc_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int pc_device_characteristics(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int pc_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}
static int pc_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void pc_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int pc_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods pc_io = {
    .iVersion = 2,
    .xClose = pc_close,
    .xRead = pc_read,
    .xWrite = pc_write,
    .xTruncate = pc_truncate,
    .xSync = pc_sync,
    .xFileSize = pc_file_size,
    .xLock = pc_lock,
    .xUnlock = pc_unlock,
    .xCheckReservedLock = pc_check_reserved,
    .xFileControl = pc_file_control,
    .xSectorSize = pc_sector_size,
    .xDeviceCharacteristics = pc_device_characteristics,
    .xShmMap = pc_shm_map,
    .xShmLock = pc_shm_lock,
    .xShmBarrier = pc_shm_barrier,
    .xShmUnmap = pc_shm_unmap,
};

/* ---- the vfs ------------------------------------------------------------------ */

static int pc_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct pc_file *pf = (struct pc_file *)f;
    memset(pf, 0, (size_t)pc_vfs.szOsFile);
    pf->real = (sqlite3_file *)(pf + 1);
    int rc = parent->xOpen(parent, name, pf->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (pf->real->pMethods)
            pf->real->pMethods->xClose(pf->real);
        return rc;
    }
    if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL)))
        pf->ov = overlay_get(name, pf->real);
    pf->base.pMethods = &pc_io;
    return SQLITE_OK;
}

static int pc_delete(sqlite3_vfs *vfs, const char *name, int dir_sync)
{
    pthread_mutex_lock(&registry_mu);
    for (struct overlay *ov = registry; ov; ov = ov->next)
        if (strcmp(ov->path, name) == 0) {
            pthread_mutex_lock(&ov->mu);
            drop_blocks(ov, 0);
            ov->size = ov->floor = 0;
            pthread_mutex_unlock(&ov->mu);
        }
    pthread_mutex_unlock(&registry_mu);
    return parent->xDelete(parent, name, dir_sync);
}

static int pc_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return parent->xAccess(parent, name, flags, out);
}
static int pc_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    return parent->xFullPathname(parent, name, n, out);
}
static void *pc_dlopen(sqlite3_vfs *vfs, const char *name)
{
    return parent->xDlOpen(parent, name);
}
static void pc_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
    parent->xDlError(parent, n, msg);
}
static void (*pc_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    return parent->xDlSym(parent, h, sym);
}
static void pc_dlclose(sqlite3_vfs *vfs, void *h)
{
    parent->xDlClose(parent, h);
}
static int pc_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    return parent->xRandomness(parent, n, out);
}
static int pc_sleep(sqlite3_vfs *vfs, int us)
{
    return parent->xSleep(parent, us);
}
static int pc_current_time(sqlite3_vfs *vfs, double *t)
{
    return parent->xCurrentTime(parent, t);
}
static int pc_last_error(sqlite3_vfs *vfs, int n, char *msg)
{
    return parent->xGetLastError(parent, n, msg);
}
static int pc_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
    return parent->xCurrentTimeInt64(parent, t);
}

static void register_vfs(void)
{
    parent = sqlite3_vfs_find(NULL);
    if (!parent)
        YZ_BUG("no default SQLite VFS");
    pc_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct pc_file) + parent->szOsFile,
        .mxPathname = parent->mxPathname,
        .zName = "powercut",
        .xOpen = pc_open,
        .xDelete = pc_delete,
        .xAccess = pc_access,
        .xFullPathname = pc_full_pathname,
        .xDlOpen = pc_dlopen,
        .xDlError = pc_dlerror,
        .xDlSym = pc_dlsym,
        .xDlClose = pc_dlclose,
        .xRandomness = pc_randomness,
        .xSleep = pc_sleep,
        .xCurrentTime = pc_current_time,
        .xGetLastError = pc_last_error,
        .xCurrentTimeInt64 = pc_current_time64,
    };
    const char *p = getenv("YZ_TEST_VFS_FAIL_SYNC");
    fail_sync_path = p && *p ? p : NULL;
    p = getenv("YZ_TEST_VFS_FAIL_READ");
    fail_read_path = p && *p ? p : NULL;
    if (sqlite3_vfs_register(&pc_vfs, 0) != SQLITE_OK)
        YZ_BUG("cannot register the powercut VFS");
}

const char *yz_test_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const char *v = getenv("YZ_TEST_VFS");
    if (!v || strcmp(v, "powercut") != 0)
        return NULL;
    pthread_once(&once, register_vfs);
    return "powercut";
}

bool yz_test_sync_normal(void)
{
    const char *v = getenv("YZ_TEST_SYNC");
    return v && strcmp(v, "normal") == 0;
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int yz_test_vfs_absent;
#endif
