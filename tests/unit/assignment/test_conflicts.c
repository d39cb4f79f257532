/*
 * Unit tests of how a judge's configured relationship (利害关系) is matched
 * against a filing application as stored (src/assignment/conflicts.c): party
 * names and credit codes against the parties, law firms and licence numbers
 * against the agents, exact values only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "assignment/internal.h"

#include <jansson.h>

static json_t *application(void)
{
    return json_pack("{s:[{s:s, s:s}, {s:s, s:s, s:s}], s:[{s:s, s:s, s:s}]}", "parties", "role",
                     "plaintiff", "name", "张三", "role", "defendant", "name",
                     "重庆示例商贸有限公司", "credit_code", "91500103MA5U0AAA0Q", "agents", "name",
                     "赵律师", "firm", "重庆示例律师事务所", "licence_no", "15001201010000001");
}

static void matches_each_kind(void **state)
{
    json_t *a = application();
    assert_string_equal(yz_assign_conflict_match(a, "party_name", "张三"), "张三");
    assert_string_equal(yz_assign_conflict_match(a, "credit_code", "91500103MA5U0AAA0Q"),
                        "重庆示例商贸有限公司");
    assert_string_equal(yz_assign_conflict_match(a, "law_firm", "重庆示例律师事务所"), "赵律师");
    assert_string_equal(yz_assign_conflict_match(a, "lawyer_licence", "15001201010000001"),
                        "赵律师");
    json_decref(a);
}

static void no_partial_or_cross_kind_match(void **state)
{
    json_t *a = application();
    assert_null(yz_assign_conflict_match(a, "party_name", "张"));
    assert_null(yz_assign_conflict_match(a, "party_name", "张三丰"));
    assert_null(yz_assign_conflict_match(a, "party_name", "赵律师")); /* an agent, not a party */
    assert_null(yz_assign_conflict_match(a, "law_firm", "重庆示例商贸有限公司"));
    assert_null(yz_assign_conflict_match(a, "credit_code", "91500103MA5U0AAA0X"));
    json_t *empty = json_object();
    assert_null(yz_assign_conflict_match(empty, "party_name", "张三"));
    assert_null(yz_assign_conflict_match(NULL, "party_name", "张三"));
    json_decref(empty);
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_each_kind),
        cmocka_unit_test(no_partial_or_cross_kind_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
