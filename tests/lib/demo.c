#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void yzt_demo_login(struct yzt_client *c, const char *login)
{
    bool staff = login[0] < '0' || login[0] > '9';
    if (!staff) {
        yzt_login(c, login, YZT_DEMO_PASSWORD, NULL);
        return;
    }
    char code[64];
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"user", "code", login, "--dir", c->srv->dir, "--data", data, NULL};
    int rc = yzt_run_cli(args, code, sizeof code);
    if (rc != 0)
        print_error("yizhan user code %s: %s\n", login, code);
    assert_int_equal(rc, 0);
    code[strcspn(code, "\r\n")] = '\0';
    yzt_login(c, login, YZT_DEMO_PASSWORD, code);
}

int64_t yzt_court_id(struct yzt_client *c, const char *code)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/courts", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = yzt_json_at(r.json, "items");
    int64_t id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *k = json_string_value(json_object_get(it, "code"));
        if (k && strcmp(k, code) == 0)
            id = json_integer_value(json_object_get(it, "id"));
    }
    yzt_response_free(&r);
    assert_true(id > 0);
    return id;
}

void yzt_post_new(struct yzt_client *c, const char *path, json_t *json, struct yzt_response *r)
{
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", path, json, h, r);
}
