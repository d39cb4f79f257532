/* The claims similarity behind class-case suggestions (classes.h):
 * numbers, punctuation and blanks do not count; wording does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "classes/classes.h"

/* RULE: class-case-criteria */
static void numbers_and_punctuation_do_not_count(void **state)
{
    assert_int_equal(yz_class_claims_similarity("判令被告偿还信用卡透支本金12345.67元、利息",
                                                "判令被告偿还信用卡透支本金 999元，利息"),
                     100);
    assert_int_equal(yz_class_claims_similarity("判令被告偿还借款本金十万元", "判令被告偿还借款本金五万三千元"),
                     100);
    assert_int_equal(yz_class_claims_similarity("支付物业服务费3600元", "支付物业服务费３６００元"), 100);
}

static void different_claims_are_not_similar(void **state)
{
    int s = yz_class_claims_similarity("判令被告偿还信用卡透支本金12345.67元、利息及违约金",
                                       "确认原告与被告之间的信用卡领用合约已于起诉之日解除");
    assert_true(s < YZ_CLASS_MIN_SIMILARITY);
    assert_true(yz_class_claims_similarity("判令被告支付物业服务费", "判令被告支付物业服务费及滞纳金") >=
                YZ_CLASS_MIN_SIMILARITY);
    /* Symmetric. */
    assert_int_equal(yz_class_claims_similarity("甲乙丙丁", "甲乙戊己"),
                     yz_class_claims_similarity("甲乙戊己", "甲乙丙丁"));
}

static void empty_or_invalid_text_is_never_similar(void **state)
{
    assert_int_equal(yz_class_claims_similarity("", ""), 0);
    assert_int_equal(yz_class_claims_similarity("12345", "678"), 0); /* one mark, no bigram */
    assert_int_equal(yz_class_claims_similarity(NULL, "判令"), 0);
    assert_int_equal(yz_class_claims_similarity("\xff\xfe", "\xff\xfe"), 0);
    assert_int_equal(yz_class_claims_similarity("\xe5\x88", "判令"), 0); /* cut in a character */
}

static void long_text_is_bounded(void **state)
{
    static char big[3 * 5000 + 1];
    for (int i = 0; i < 5000; i++) {
        big[3 * i] = (char)0xe5;
        big[3 * i + 1] = (char)0x88;
        big[3 * i + 2] = (char)(0xa4 + i % 8);
    }
    assert_true(yz_class_claims_similarity(big, big) == 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_and_punctuation_do_not_count),
        cmocka_unit_test(different_claims_are_not_similar),
        cmocka_unit_test(empty_or_invalid_text_is_never_similar),
        cmocka_unit_test(long_text_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
