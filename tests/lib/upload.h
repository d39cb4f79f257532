/* Multipart uploads for API tests (POST /api/v1/attachments). */
#ifndef YZT_UPLOAD_H
#define YZT_UPLOAD_H

#include "lib/apitest.h"

#define YZT_BOUNDARY "yzBoundary7MA4YWxkTrZu0gW"

struct yzt_part {
    const char *name;
    const char *filename; /* NULL for a plain field */
    const void *data;
    size_t len; /* 0: strlen(data) for plain fields */
};

/* A multipart/form-data body with YZT_BOUNDARY (malloc'd). */
char *yzt_multipart(const struct yzt_part *parts, size_t n, size_t *len);
/* POSTs the parts to /api/v1/attachments with key (NULL: a fresh one). */
void yzt_upload_parts(struct yzt_client *c, const struct yzt_part *parts, size_t n, const char *key,
                      struct yzt_response *r);
/* One file, optionally to a matter (0: none). */
void yzt_upload_file(struct yzt_client *c, const void *data, size_t len, const char *filename,
                     int64_t matter_id, struct yzt_response *r);

#endif
