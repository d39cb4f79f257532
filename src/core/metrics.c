#include "core/metrics.h"

#include <stdatomic.h>
#include <stdbool.h>

#define MAX_ROUTES 256
#define STATUS_CLASSES 5 /* 1xx..5xx */
static const int64_t bucket_us[] = {1000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000};
#define BUCKETS (sizeof bucket_us / sizeof bucket_us[0])

struct route_metrics {
    _Atomic uint64_t by_class[STATUS_CLASSES];
    _Atomic uint64_t buckets[BUCKETS]; /* not cumulative; summed when rendered */
    _Atomic uint64_t count;
    _Atomic uint64_t sum_us;
};

static struct route_metrics routes[MAX_ROUTES + 1]; /* last slot: unmatched */
static _Atomic uint64_t db_tx[2][2];                 /* [write][ok] */
static _Atomic uint64_t events_appended;
static _Atomic uint64_t denials;

void yz_metrics_request(int route_index, int status, int64_t duration_us)
{
    struct route_metrics *m =
        &routes[route_index >= 0 && route_index < MAX_ROUTES ? route_index : MAX_ROUTES];
    int cls = status / 100 - 1;
    if (cls < 0 || cls >= STATUS_CLASSES)
        cls = 4;
    atomic_fetch_add(&m->by_class[cls], 1);
    size_t b = 0;
    while (b < BUCKETS && duration_us > bucket_us[b])
        b++;
    if (b < BUCKETS)
        atomic_fetch_add(&m->buckets[b], 1);
    atomic_fetch_add(&m->count, 1);
    atomic_fetch_add(&m->sum_us, (uint64_t)(duration_us > 0 ? duration_us : 0));
}

void yz_metrics_db(bool write, bool ok)
{
    atomic_fetch_add(&db_tx[write][ok], 1);
}

void yz_metrics_event(void)
{
    atomic_fetch_add(&events_appended, 1);
}

void yz_metrics_denial(void)
{
    atomic_fetch_add(&denials, 1);
}

static void render_route(struct yz_buf *out, const char *name, struct route_metrics *m)
{
    static const char *classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int c = 0; c < STATUS_CLASSES; c++) {
        uint64_t v = atomic_load(&m->by_class[c]);
        if (v)
            yz_buf_addf(out, "yizhan_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                        name, classes[c], (unsigned long long)v);
    }
    uint64_t count = atomic_load(&m->count);
    if (!count)
        return;
    uint64_t cum = 0;
    for (size_t b = 0; b < BUCKETS; b++) {
        cum += atomic_load(&m->buckets[b]);
        yz_buf_addf(out,
                    "yizhan_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
                    name, (double)bucket_us[b] / 1e6, (unsigned long long)cum);
    }
    yz_buf_addf(out,
                "yizhan_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
                "yizhan_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                "yizhan_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                name, (unsigned long long)count, name, (double)atomic_load(&m->sum_us) / 1e6,
                name, (unsigned long long)count);
}

void yz_metrics_render(struct yz_buf *out, const char *const *route_names, size_t n)
{
    yz_buf_adds(out, "# HELP yizhan_http_requests_total HTTP requests by route and status class.\n"
                     "# TYPE yizhan_http_requests_total counter\n"
                     "# HELP yizhan_http_request_duration_seconds Request latency by route.\n"
                     "# TYPE yizhan_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < n && i < MAX_ROUTES; i++)
        render_route(out, route_names[i], &routes[i]);
    render_route(out, "unmatched", &routes[MAX_ROUTES]);
    yz_buf_adds(out, "# HELP yizhan_db_transactions_total Database transactions.\n"
                     "# TYPE yizhan_db_transactions_total counter\n");
    static const char *kinds[] = {"read", "write"};
    for (int w = 0; w < 2; w++)
        for (int ok = 0; ok < 2; ok++)
            yz_buf_addf(out, "yizhan_db_transactions_total{kind=\"%s\",result=\"%s\"} %llu\n",
                        kinds[w], ok ? "ok" : "error", (unsigned long long)atomic_load(&db_tx[w][ok]));
    yz_buf_addf(out,
                "# HELP yizhan_events_appended_total Events appended to the history.\n"
                "# TYPE yizhan_events_appended_total counter\n"
                "yizhan_events_appended_total %llu\n"
                "# HELP yizhan_access_denials_total Requests denied by the access policy.\n"
                "# TYPE yizhan_access_denials_total counter\n"
                "yizhan_access_denials_total %llu\n",
                (unsigned long long)atomic_load(&events_appended),
                (unsigned long long)atomic_load(&denials));
}
