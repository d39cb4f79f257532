#include "core/jsonfile.h"

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
