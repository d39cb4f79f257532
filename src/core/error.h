/*
 * The error vocabulary of yizhan: one X-macro list gives every error its enum
 * name, HTTP status, stable string code (what API clients match on) and the
 * default Chinese message a user sees. Codes are append-only: never rename or
 * renumber one, clients depend on them.
 *
 * Functions return enum yz_err; detail goes into a caller-owned buffer.
 */
#ifndef YZ_CORE_ERROR_H
#define YZ_CORE_ERROR_H

#define YZ_ERRORS(X)                                                                               \
    X(OK, 200, "ok", "成功")                                                                       \
    X(BAD_REQUEST, 400, "bad_request", "请求格式不正确")                                           \
    X(VALIDATION, 400, "validation_failed", "提交的信息有误，请检查标出的字段")                    \
    X(MALFORMED_JSON, 400, "malformed_json", "请求内容不是有效的 JSON")                            \
    X(INVALID_UTF8, 400, "invalid_utf8", "请求包含无效的 UTF-8 字符")                              \
    X(JSON_TOO_DEEP, 400, "json_too_deep", "请求内容嵌套层级过深")                                 \
    X(IDEMPOTENCY_KEY_REQUIRED, 400, "idempotency_key_required", "缺少 Idempotency-Key 请求头")    \
    X(UNAUTHENTICATED, 401, "unauthenticated", "请先登录")                                         \
    X(LOGIN_FAILED, 401, "login_failed", "账号或密码错误")                                         \
    X(TOTP_REQUIRED, 401, "totp_required", "请输入动态验证码")                                     \
    X(FORBIDDEN, 403, "forbidden", "无权执行此操作")                                               \
    X(CSRF_FAILED, 403, "csrf_failed", "页面已过期，请刷新后重试")                                 \
    X(REAUTH_REQUIRED, 403, "reauthentication_required", "请重新验证身份后再执行此操作")           \
    X(NOT_FOUND, 404, "not_found", "请求的资源不存在")                                             \
    X(METHOD_NOT_ALLOWED, 405, "method_not_allowed", "不支持该请求方法")                           \
    X(CONFLICT, 409, "conflict", "数据已被修改，请刷新后重试")                                     \
    X(ALREADY_EXISTS, 409, "already_exists", "记录已存在")                                         \
    X(IDEMPOTENCY_IN_FLIGHT, 409, "idempotency_in_flight", "相同的请求正在处理中，请稍后查询结果") \
    X(INVALID_TRANSITION, 409, "invalid_transition", "当前状态下不能执行此操作")                   \
    X(PAYLOAD_TOO_LARGE, 413, "payload_too_large", "提交的内容过大")                               \
    X(URI_TOO_LONG, 414, "uri_too_long", "请求地址过长")                                           \
    X(UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type", "不支持的内容类型")                   \
    X(IDEMPOTENCY_KEY_REUSED, 422, "idempotency_key_reused", "该幂等键已用于内容不同的请求")       \
    X(ACCOUNT_LOCKED, 429, "account_locked", "登录失败次数过多，请稍后再试")                       \
    X(RATE_LIMITED, 429, "rate_limited", "请求过于频繁，请稍后再试")                               \
    X(HEADERS_TOO_LARGE, 431, "headers_too_large", "请求头过大")                                   \
    X(INTERNAL, 500, "internal_error", "系统内部错误，请稍后重试")                                 \
    X(UNAVAILABLE, 503, "service_unavailable", "系统暂时不可用，请稍后重试")                       \
    X(STORAGE_IO, 503, "storage_error", "存储故障，数据未保存，请稍后重试")                        \
    X(STORAGE_FULL, 507, "insufficient_storage", "存储空间不足，数据未保存，请联系管理员")         \
    X(USAGE, 0, "usage", "用法错误")                                                               \
    X(CONFIG, 0, "config_invalid", "配置有误")                                                     \
    X(VERIFY_FAILED, 0, "verification_failed", "校验未通过")                                       \
    X(ALREADY_DONE, 409, "already_done", "您已经执行过此操作，不能重复执行")

enum yz_err {
#define YZ_ERR_ENUM(name, status, code, msg) YZ_ERR_##name,
    YZ_ERRORS(YZ_ERR_ENUM)
#undef YZ_ERR_ENUM
        YZ_ERR__COUNT
};
#define YZ_OK YZ_ERR_OK

/* HTTP status for an error (0 for CLI-only errors, which map to 500 over HTTP). */
int yz_err_status(enum yz_err e);
/* Stable string code, e.g. "not_found". Never NULL. */
const char *yz_err_code(enum yz_err e);
/* Default Chinese message. Never NULL. */
const char *yz_err_message(enum yz_err e);

/* Impossible states are bugs: log where and abort. Never for user input. */
#define YZ_BUG(...) yz_bug(__FILE__, __LINE__, __func__, __VA_ARGS__)
_Noreturn void yz_bug(const char *file, int line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Allocation that aborts on failure: every size that input decides is capped. */
#include <stddef.h>
void *yz_malloc(size_t n);
void *yz_calloc(size_t count, size_t n);
void *yz_realloc(void *p, size_t n);
char *yz_strdup(const char *s);
char *yz_strndup(const char *s, size_t n);

#endif
