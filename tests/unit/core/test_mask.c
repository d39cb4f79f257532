/*
 * Unit tests for src/core/mask.c. Inputs are passed as exact-length heap
 * copies (no NUL after them) so that ASan reports any read past the length;
 * the property test runs every mask on every prefix of awkward inputs (cut
 * UTF-8 included) into every output size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask.h"
#include "core/utf8.h"

#define N_ELEMS(a) (sizeof(a) / sizeof *(a))

static bool run_n(bool (*fn)(const char *, size_t, char *, size_t), const char *in, size_t n,
                  char *out, size_t size)
{
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, in, n);
    bool ok = fn(n ? copy : NULL, n, out, size);
    free(copy);
    return ok;
}

static const char *masked(bool (*fn)(const char *, size_t, char *, size_t), const char *in)
{
    static char out[YZ_MASK_SIZE];
    memset(out, 'z', sizeof out);
    assert_true(run_n(fn, in, strlen(in), out, sizeof out));
    return out;
}

/* RULE: mask-citizen-id */
static void mask_citizen_ids(void **state)
{
    assert_string_equal(masked(yz_mask_citizen_id, "11010519491231002X"), "110***********002X");
    assert_string_equal(masked(yz_mask_citizen_id, "11010519491231002x"), "110***********002X");
    assert_string_equal(masked(yz_mask_citizen_id, "500103199001011234"), "500***********1234");
    assert_string_equal(masked(yz_mask_citizen_id, ""), "");
    assert_string_equal(masked(yz_mask_citizen_id, "110105491231002"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_citizen_id, "11010519491231002"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_citizen_id, "11010519491231002X1"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_citizen_id, "1101051949123100X2"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_citizen_id, "E12345678901234567"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_citizen_id, "X"), YZ_MASK_FULL);
    char out[YZ_MASK_SIZE];
    assert_true(run_n(yz_mask_citizen_id,
                      "11010\0"
                      "19491231002X",
                      18, out, sizeof out));
    assert_string_equal(out, YZ_MASK_FULL);
}

/* RULE: mask-mobile */
static void mask_mobiles(void **state)
{
    assert_string_equal(masked(yz_mask_mobile, "13812345678"), "138****5678");
    assert_string_equal(masked(yz_mask_mobile, "+8613812345678"), "138****5678");
    assert_string_equal(masked(yz_mask_mobile, ""), "");
    assert_string_equal(masked(yz_mask_mobile, "1381234567"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "138123456789"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "8613812345678"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "+8513812345678"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "138-1234-567"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "+86"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_mobile, "1"), YZ_MASK_FULL);
}

/* RULE: mask-name */
static void mask_names(void **state)
{
    assert_string_equal(masked(yz_mask_name, "张三"), "张某");
    assert_string_equal(masked(yz_mask_name, "张三丰"), "张某");
    assert_string_equal(masked(yz_mask_name, "欧阳修"), "欧阳某");
    assert_string_equal(masked(yz_mask_name, "司马相如"), "司马某");
    assert_string_equal(masked(yz_mask_name, "诸葛亮"), "诸葛某");
    assert_string_equal(masked(yz_mask_name, "上官婉儿"), "上官某");
    assert_string_equal(masked(yz_mask_name, "令狐冲"), "令狐某");
    assert_string_equal(masked(yz_mask_name, "歐陽修"), "歐陽某");
    /* Every compound surname the brief lists. */
    static const char *const listed[] = {"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟",
                                         "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐"};
    for (size_t i = 0; i < N_ELEMS(listed); i++) {
        char in[32], want[32];
        snprintf(in, sizeof in, "%s明", listed[i]);
        snprintf(want, sizeof want, "%s某", listed[i]);
        assert_string_equal(masked(yz_mask_name, in), want);
    }
    /* A compound surname alone is read as surname + given name. */
    assert_string_equal(masked(yz_mask_name, "欧阳"), "欧某");
    /* Looks like the start of a compound surname but is not one. */
    assert_string_equal(masked(yz_mask_name, "欧明阳"), "欧某");
    assert_string_equal(masked(yz_mask_name, "张"), "某");
    assert_string_equal(masked(yz_mask_name, "J"), "某");
    assert_string_equal(masked(yz_mask_name, ""), "");
    assert_string_equal(masked(yz_mask_name, "John Smith"), "J某");
    assert_string_equal(masked(yz_mask_name, "阿依古丽·买买提"), "阿某");
    assert_string_equal(masked(yz_mask_name, "\xf0\xa0\x80\x80三"), "\xf0\xa0\x80\x80某");
    /* Invalid UTF-8 and control characters are fully masked. */
    assert_string_equal(masked(yz_mask_name, "\xe5\xbc"), YZ_MASK_FULL); /* cut 张 */
    assert_string_equal(masked(yz_mask_name, "张\xff三"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_name, "\xc0\xaf三"), YZ_MASK_FULL);     /* overlong */
    assert_string_equal(masked(yz_mask_name, "\xed\xa0\x80三"), YZ_MASK_FULL); /* surrogate */
    assert_string_equal(masked(yz_mask_name, "张\n三"), YZ_MASK_FULL);
    char out[YZ_MASK_SIZE];
    assert_true(run_n(yz_mask_name, "张\0三", 7, out, sizeof out));
    assert_string_equal(out, YZ_MASK_FULL);
}

/* RULE: mask-address */
static void mask_addresses(void **state)
{
    static const char *const cases[][2] = {
        {"重庆市渝中区解放碑民族路188号", "重庆市渝中区***"},
        {"北京市朝阳区建国路88号", "北京市朝阳区***"},
        {"上海市浦东新区世纪大道100号", "上海市浦东新区***"},
        {"四川省成都市武侯区人民南路四段", "四川省成都市武侯区***"},
        {"渝中区解放碑", "渝中区***"},
        {"重庆市渝中区", "重庆市渝中区***"}, /* *** even when nothing followed */
        {"重庆市", "重庆市***"},
        {"重庆市渝中区市民路1号", "重庆市渝中区***"},      /* stops at the district */
        {"河北省保定市易县城关镇", "河北省保定市易县***"}, /* one-character county name */
        {"内蒙古自治区呼和浩特市新城区", "内蒙古自治区呼和浩特市***"}, /* district past 12 */
        {"新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区***"},
        {"广西壮族自治区南宁市青秀区", "广西壮族自治区南宁市***"},
        {"香港特别行政区九龙弥敦道", "香港特别行政区***"},
        {"内蒙古自治区阿拉善盟阿拉善左旗", "内蒙古自治区***"},
        {"内蒙古锡林郭勒盟正蓝旗", "内蒙古锡林郭勒盟正蓝旗***"},
        {"江苏省苏州市昆山市玉山镇", "江苏省苏州市昆山市***"}, /* second 市: county-level */
        {"苏州市昆山市开发区某路", "苏州市昆山市***"},         /* nothing kept past it */
        {"江苏省昆山市玉山镇和平小区", "江苏省昆山市***"},
        {"江苏省昆山市和平小区3栋", "江苏省昆山市***"},  /* 小区 is not a division */
        {"湖北省仙桃市城市花园小区", "湖北省仙桃市***"}, /* 城市 is not a segment */
        {"江苏省昆山市花桥社区", "江苏省昆山市***"},
        {"湖南省常德市津市市人民路", "湖南省常德市津市市***"},
        {"云南省大理白族自治州大理市", "云南省***"},
        {"解放碑步行街10号", YZ_MASK_FULL},
        {"市民路1号", YZ_MASK_FULL},
        {"区", YZ_MASK_FULL},
        {"某某某某某某某某某某某某重庆市渝中区", YZ_MASK_FULL}, /* marker past 12 characters */
        {"", ""},
    };
    for (size_t i = 0; i < N_ELEMS(cases); i++) {
        const char *got = masked(yz_mask_address, cases[i][0]);
        if (strcmp(got, cases[i][1]) != 0)
            fail_msg("%s -> %s, want %s", cases[i][0], got, cases[i][1]);
    }
    assert_string_equal(masked(yz_mask_address, "重庆市\xe6\xb8"), YZ_MASK_FULL);
    assert_string_equal(masked(yz_mask_address, "重庆市渝中区\t1号"), YZ_MASK_FULL);
    char out[YZ_MASK_SIZE];
    assert_true(run_n(yz_mask_address, "重庆市\0渝中区", 13, out, sizeof out));
    assert_string_equal(out, YZ_MASK_FULL);

    /* The longest possible prefix: 11 four-byte characters and a marker fit YZ_MASK_SIZE. */
    char longest[64] = "";
    for (int i = 0; i < 11; i++)
        memcpy(longest + 4 * i, "\xf0\xa0\x80\x80", 5);
    memcpy(longest + 44, "区路1号", strlen("区路1号") + 1);
    const char *got = masked(yz_mask_address, longest);
    assert_int_equal(strlen(got), 44 + 3 + 3);
    assert_memory_equal(got, longest, 47);
    assert_string_equal(got + 47, "***");
}

static void buffers_too_small(void **state)
{
    char out[YZ_MASK_SIZE];
    /* "110***********002X" needs 19 bytes. */
    assert_true(run_n(yz_mask_citizen_id, "11010519491231002X", 18, out, 19));
    assert_string_equal(out, "110***********002X");
    memset(out, 'z', sizeof out);
    assert_false(run_n(yz_mask_citizen_id, "11010519491231002X", 18, out, 18));
    assert_string_equal(out, YZ_MASK_FULL);
    assert_false(run_n(yz_mask_citizen_id, "11010519491231002X", 18, out, 3));
    assert_string_equal(out, "");
    memset(out, 'z', sizeof out);
    assert_false(run_n(yz_mask_citizen_id, "11010519491231002X", 18, out, 1));
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[1], 'z');
    assert_false(run_n(yz_mask_citizen_id, "11010519491231002X", 18, NULL, 0));

    assert_false(run_n(yz_mask_mobile, "13812345678", 11, out, 11));
    assert_string_equal(out, YZ_MASK_FULL);
    assert_true(run_n(yz_mask_mobile, "13812345678", 11, out, 12));
    assert_string_equal(out, "138****5678");

    /* 欧阳某 is 9 bytes. */
    assert_false(run_n(yz_mask_name, "欧阳修", strlen("欧阳修"), out, 9));
    assert_string_equal(out, YZ_MASK_FULL);
    assert_true(run_n(yz_mask_name, "欧阳修", strlen("欧阳修"), out, 10));
    assert_string_equal(out, "欧阳某");

    /* 重庆市渝中区*** is 21 bytes. */
    const char *addr = "重庆市渝中区解放碑";
    assert_false(run_n(yz_mask_address, addr, strlen(addr), out, 21));
    assert_string_equal(out, YZ_MASK_FULL);
    assert_true(run_n(yz_mask_address, addr, strlen(addr), out, 22));
    assert_string_equal(out, "重庆市渝中区***");

    /* The full mask itself needs 4 bytes; the empty result needs 1. */
    assert_false(run_n(yz_mask_name, "\xff", 1, out, 3));
    assert_string_equal(out, "");
    assert_true(run_n(yz_mask_name, "\xff", 1, out, 4));
    assert_string_equal(out, YZ_MASK_FULL);
    assert_false(run_n(yz_mask_name, "", 0, NULL, 0));
    assert_true(run_n(yz_mask_name, "", 0, out, 1));
    assert_string_equal(out, "");
}

/* Every prefix of awkward inputs, into every buffer size: never overflows, always
 * terminated, and either the same result as with room to spare or a full mask. */
static void prefixes_and_sizes(void **state)
{
    static const char *const inputs[] = {
        "欧阳修",
        "重庆市渝中区解放碑民族路188号",
        "11010519491231002X",
        "+8613812345678",
        "张\xff三",
        "\xf0\xa0\x80\x80三",
        "内蒙古自治区呼和浩特市新城区",
    };
    bool (*const fns[])(const char *, size_t, char *, size_t) = {yz_mask_citizen_id, yz_mask_mobile,
                                                                 yz_mask_name, yz_mask_address};
    for (size_t f = 0; f < N_ELEMS(fns); f++) {
        for (size_t i = 0; i < N_ELEMS(inputs); i++) {
            size_t len = strlen(inputs[i]);
            for (size_t n = 0; n <= len; n++) {
                char want[YZ_MASK_SIZE];
                assert_true(run_n(fns[f], inputs[i], n, want, sizeof want));
                assert_true(yz_utf8_valid(want, strlen(want)));
                for (size_t size = 0; size <= YZ_MASK_SIZE; size++) {
                    char out[YZ_MASK_SIZE + 8];
                    memset(out, 'z', sizeof out);
                    bool ok = run_n(fns[f], inputs[i], n, size ? out : NULL, size);
                    for (size_t k = size; k < sizeof out; k++)
                        assert_int_equal(out[k], 'z');
                    if (size == 0) {
                        assert_false(ok);
                        continue;
                    }
                    assert_non_null(memchr(out, '\0', size));
                    if (ok)
                        assert_string_equal(out, want);
                    else
                        assert_true(strcmp(out, YZ_MASK_FULL) == 0 || out[0] == '\0');
                    assert_int_equal(ok, strlen(want) < size);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mask_citizen_ids),  cmocka_unit_test(mask_mobiles),
        cmocka_unit_test(mask_names),        cmocka_unit_test(mask_addresses),
        cmocka_unit_test(buffers_too_small), cmocka_unit_test(prefixes_and_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
