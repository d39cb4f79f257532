#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *yzt_multipart(const struct yzt_part *parts, size_t n, size_t *len)
{
    size_t cap = 4096;
    for (size_t i = 0; i < n; i++)
        cap += parts[i].len ? parts[i].len : strlen(parts[i].data);
    char *b = malloc(cap);
    assert_non_null(b);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const struct yzt_part *p = &parts[i];
        size_t dl = p->len ? p->len : strlen(p->data);
        if (p->filename)
            at += (size_t)snprintf(b + at, cap - at,
                                   "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; "
                                   "name=\"%s\"; filename=\"%s\"\r\nContent-Type: "
                                   "application/octet-stream\r\n\r\n",
                                   p->name, p->filename);
        else
            at += (size_t)snprintf(b + at, cap - at,
                                   "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; "
                                   "name=\"%s\"\r\n\r\n",
                                   p->name);
        memcpy(b + at, p->data, dl);
        at += dl;
        memcpy(b + at, "\r\n", 2);
        at += 2;
    }
    at += (size_t)snprintf(b + at, cap - at, "--" YZT_BOUNDARY "--\r\n");
    *len = at;
    return b;
}

void yzt_upload_parts(struct yzt_client *c, const struct yzt_part *parts, size_t n, const char *key,
                      struct yzt_response *r)
{
    size_t len;
    char *body = yzt_multipart(parts, n, &len);
    char k[40], hk[200];
    if (!key) {
        yzt_idem_key(k);
        key = k;
    }
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", key);
    const char *const h[] = {hk, "Content-Type: multipart/form-data; boundary=" YZT_BOUNDARY, NULL};
    yzt_request_raw(c, "POST", "/api/v1/attachments", body, len, h, r);
    free(body);
}

void yzt_upload_file(struct yzt_client *c, const void *data, size_t len, const char *filename,
                     int64_t matter_id, struct yzt_response *r)
{
    char mid[32];
    snprintf(mid, sizeof mid, "%lld", (long long)matter_id);
    struct yzt_part parts[2] = {{"file", filename, data, len}, {"matter_id", NULL, mid, 0}};
    yzt_upload_parts(c, parts, matter_id ? 2 : 1, NULL, r);
}
