/*
 * Fee payments end to end: an online order answered by a signed gateway
 * callback (forged, stale, wrong-amount and repeated callbacks included), a
 * window payment confirmed by the cashier, and a refund, each recorded on the
 * case's history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/cases.h"
#include "lib/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FEE YZT_LOAN_CASE_FEE_FEN /* the loan case of lib/cases.h: 2,300 yuan */
#define GATEWAY_KEY "test-gateway-key-0123456789abcdefghijklmnop"

static struct yz_test_server srv;
static struct yzt_client clerk = {.srv = &srv}, party = {.srv = &srv};
static char key_path[64];

static int setup(void **state)
{
    yzt_global_setup(state);
    snprintf(key_path, sizeof key_path, "/tmp/yz-gwkey-XXXXXX");
    int fd = mkstemp(key_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GATEWAY_KEY, strlen(GATEWAY_KEY)), (ssize_t)strlen(GATEWAY_KEY));
    close(fd);
    chmod(key_path, 0600);
    char file_arg[128];
    snprintf(file_arg, sizeof file_arg, "payments.gateway_key_file=%s", key_path);
    const char *const set[] = {"payments.gateway_url=https://pay.example.cn/gateway", file_arg, NULL};
    yzt_server_start(&srv, true, set);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&party, "13800000001");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unlink(key_path);
    return yzt_global_teardown(state);
}

/* A registered case with a fee of 2,300 yuan (100,000 yuan claimed). */
static int64_t registered_case(void)
{
    return yzt_case_online_loan(&party, &clerk, yzt_court_id(&party, "渝0103"), "缴费测试");
}

static void callback(const char *order, int64_t amount, const char *ref, int64_t ts,
                     const char *key, struct yzt_response *r)
{
    char text[256], sig[65], header[128];
    int n = snprintf(text, sizeof text, "%s\n%lld\npaid\n%s\n%lld", order, (long long)amount, ref,
                     (long long)ts);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, (size_t)n);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(sig, sizeof sig, mac, sizeof mac);
    snprintf(header, sizeof header, "X-Gateway-Signature: %s", sig);
    const char *const h[] = {header, NULL};
    struct yzt_client gateway = {.srv = &srv};
    yzt_request_json(&gateway, "POST", "/api/v1/payments/callback",
                     json_pack("{s:s, s:I, s:s, s:s, s:I}", "order_no", order, "amount_fen",
                               (json_int_t)amount, "status", "paid", "gateway_ref", ref,
                               "timestamp", (json_int_t)ts),
                     h, r);
}

/* RULE: gateway-callback, fee-payment, fee-refund */
static void online_payment_by_signed_callback_then_refund(void **state)
{
    int64_t id = registered_case();
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)id);
    struct yzt_response r = {0};
    yzt_post_new(&party, path, json_pack("{s:s}", "method", "online"), &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "amount_fen"), FEE);
    assert_non_null(strstr(yzt_json_str(&r, "pay_url"), "https://pay.example.cn/gateway?order_no="));
    char order[64];
    snprintf(order, sizeof order, "%s", yzt_json_str(&r, "order_no"));
    yzt_response_free(&r);
    /* Nothing more is due while the order is open. */
    yzt_post_new(&party, path, json_pack("{s:s}", "method", "online"), &r);
    yzt_assert_problem(&r, 409, "conflict");

    int64_t now = (int64_t)time(NULL);
    callback(order, FEE, "GW-1", now, "not-the-gateway-key-0123456789abcdef", &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    callback(order, FEE, "GW-1", now - 3 * 86400, GATEWAY_KEY, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    callback(order, 100, "GW-1", now, GATEWAY_KEY, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "amount_fen", "mismatch");
    callback(order, FEE, "GW-1", now, GATEWAY_KEY, &r);
    yzt_assert_status(&r, 200);
    assert_false(yzt_json_bool(&r, "duplicate"));
    callback(order, FEE, "GW-1", now, GATEWAY_KEY, &r);
    yzt_assert_status(&r, 200);
    assert_true(yzt_json_bool(&r, "duplicate"));
    callback(order, FEE, "GW-2", now, GATEWAY_KEY, &r);
    yzt_assert_problem(&r, 409, "conflict");
    yzt_response_free(&r);

    yzt_request(&party, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "paid_fen"), FEE);
    assert_int_equal(yzt_json_int(&r, "due_fen"), 0);
    yzt_response_free(&r);

    /* Refunds: only court staff, never more than was paid. */
    char refunds[80];
    snprintf(refunds, sizeof refunds, "/api/v1/matters/%lld/refunds", (long long)id);
    yzt_post_new(&party, refunds, json_pack("{s:I, s:s}", "amount_fen", (json_int_t)1000, "reason", "调解结案减半"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&clerk, refunds, json_pack("{s:I, s:s}", "amount_fen", (json_int_t)115000, "reason", "调解结案减半收取"), &r);
    yzt_assert_status(&r, 201);
    yzt_post_new(&clerk, refunds, json_pack("{s:I, s:s}", "amount_fen", (json_int_t)115001, "reason", "多退"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_response_free(&r);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM events WHERE stream = 'matter/%lld' AND type IN "
             "('fee.payment_ordered', 'fee.paid', 'fee.refunded')",
             (long long)id);
    assert_int_equal(yzt_db_count(&srv, sql), 3);
}

static void window_payment_is_confirmed_by_the_cashier(void **state)
{
    int64_t id = registered_case();
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)id);
    struct yzt_response r = {0};
    yzt_post_new(&party, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_post_new(&clerk, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_status(&r, 201);
    int64_t pay = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    char confirm[80];
    snprintf(confirm, sizeof confirm, "/api/v1/payments/%lld/confirm", (long long)pay);
    yzt_request_json(&clerk, "POST", confirm, json_pack("{s:s}", "receipt_no", "渝财0001234"), NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "paid");
    yzt_request_json(&clerk, "POST", confirm, json_pack("{s:s}", "receipt_no", "渝财0001235"), NULL, &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);
    yzt_request(&party, "GET", path, NULL, NULL, &r);
    assert_int_equal(yzt_json_int(&r, "due_fen"), 0);
    assert_string_equal(yzt_json_str(&r, "items.0.receipt_no"), "渝财0001234");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(online_payment_by_signed_callback_then_refund),
        cmocka_unit_test(window_payment_is_confirmed_by_the_cashier),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
