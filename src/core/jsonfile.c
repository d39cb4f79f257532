#include "core/jsonfile.h"
#include "core/utf8.h"

#include <stdarg.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum yz_err yz_json_load_file(const char *path, size_t max, json_t **root, struct yz_buf *err)
{
    enum yz_err e = YZ_ERR_CONFIG;
    *root = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        yz_buf_addf(err, "无法打开文件（%s）", strerror(errno));
        return e;
    }
    char *buf = yz_malloc(max + 1);
    size_t n = fread(buf, 1, max + 1, f);
    json_error_t jerr;
    if (ferror(f))
        yz_buf_addf(err, "读取失败（%s）", strerror(errno));
    else if (n > max)
        yz_buf_addf(err, "文件超过 %zu 字节上限", max);
    else if (!(*root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &jerr)))
        yz_buf_addf(err, "第 %d 行第 %d 列不是有效的 JSON（%s）", jerr.line, jerr.column,
                    jerr.text);
    else
        e = YZ_OK;
    free(buf);
    fclose(f);
    return e;
}

const char *yz_json_unknown_key(const json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (!*a)
            return key;
    }
    return NULL;
}

enum yz_err yz_datafile_fail(const struct yz_datafile *f, const char *fmt, ...)
{
    if (f->err) {
        va_list ap;
        yz_buf_addf(f->err, "%s：", f->path);
        va_start(ap, fmt);
        yz_buf_vaddf(f->err, fmt, ap);
        va_end(ap);
    }
    return YZ_ERR_CONFIG;
}

enum yz_err yz_datafile_read(const struct yz_datafile *f, size_t max, json_t **root)
{
    struct yz_buf why = YZ_BUF_INIT(512);
    enum yz_err e = yz_json_load_file(f->path, max, root, &why);
    if (e != YZ_OK)
        yz_datafile_fail(f, "%s", why.data);
    yz_buf_release(&why);
    return e;
}

enum yz_err yz_datafile_only_keys(const struct yz_datafile *f, const char *where, const json_t *obj,
                                  const char *const *allowed)
{
    const char *key = yz_json_unknown_key(obj, allowed);
    if (!key)
        return YZ_OK;
    char k[64];
    yz_utf8_snip(key, k, sizeof k);
    return yz_datafile_fail(f, "%s：不支持的成员 \"%s\"", where, k);
}

enum yz_err yz_datafile_text(const struct yz_datafile *f, const char *where, const char *what,
                             const char *s, size_t n, size_t max_cps)
{
    if (strlen(s) != n || !yz_utf8_valid(s, n))
        return yz_datafile_fail(f, "%s：%s 包含无效字符", where, what);
    if (n == 0)
        return yz_datafile_fail(f, "%s：%s 为空", where, what);
    if (yz_utf8_has_control(s, n, false))
        return yz_datafile_fail(f, "%s：%s 包含控制字符", where, what);
    if (s[0] == ' ' || s[n - 1] == ' ')
        return yz_datafile_fail(f, "%s：%s 首尾有空格", where, what);
    if (yz_utf8_count(s, n) > max_cps)
        return yz_datafile_fail(f, "%s：%s 超过 %zu 个字符", where, what, max_cps);
    return YZ_OK;
}

enum yz_err yz_datafile_get_text(const struct yz_datafile *f, const char *where, const json_t *obj,
                                 const char *key, bool required, size_t max_cps, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? yz_datafile_fail(f, "%s：缺少 %s", where, key) : YZ_OK;
    if (!json_is_string(v))
        return yz_datafile_fail(f, "%s：%s 应为字符串", where, key);
    enum yz_err e =
        yz_datafile_text(f, where, key, json_string_value(v), json_string_length(v), max_cps);
    if (e == YZ_OK)
        *out = json_string_value(v);
    return e;
}
