/*
 * The route table: every endpoint of the API, in one place. The router
 * validates from it and the OpenAPI document is generated from it.
 */
#include "http/route.h"
#include "accounts/accounts_http.h"
#include "courts/courts_http.h"
#include "matters/matters_http.h"
#include "policy/roles.h"
#include "system/system_http.h"

#define PUBLIC YZ_AUTH_PUBLIC, 0
#define SIGNED_IN YZ_AUTH_ANY, 0
#define ROLES(mask) YZ_AUTH_ROLES, (mask)

static const struct yz_route routes[] = {
    /* name, method, pattern, handler, auth, params, body, flags, ok, tag, summary */
    {"system.health", YZ_GET, "/healthz", yz_system_http_health, PUBLIC, NULL, NULL, 0, 200,
     "system", "健康检查"},
    {"system.metrics", YZ_GET, "/metrics", yz_system_http_metrics, PUBLIC, NULL, NULL,
     YZ_ROUTE_LOOPBACK | YZ_ROUTE_RAW, 200, "system", "运行指标（Prometheus 格式，仅本机）"},
    {"system.openapi", YZ_GET, "/api/v1/openapi.json", yz_system_http_openapi, PUBLIC, NULL, NULL,
     0, 200, "system", "OpenAPI 3.1 接口文档"},
    {"system.deadline", YZ_GET, "/api/v1/deadline", yz_system_http_deadline, PUBLIC,
     yz_system_deadline_params, NULL, 0, 200, "system", "法定期间计算（节假日顺延）"},

    {"accounts.register", YZ_POST, "/api/v1/accounts", yz_accounts_http_register, PUBLIC, NULL,
     yz_accounts_register_body, YZ_ROUTE_IDEMPOTENT | YZ_ROUTE_NO_CSRF, 201, "accounts",
     "当事人、律师实名注册"},
    {"accounts.login", YZ_POST, "/api/v1/session", yz_accounts_http_login, PUBLIC, NULL,
     yz_accounts_login_body, YZ_ROUTE_NO_CSRF, 200, "accounts", "登录"},
    {"accounts.logout", YZ_DELETE, "/api/v1/session", yz_accounts_http_logout, SIGNED_IN, NULL,
     NULL, 0, 204, "accounts", "退出登录"},
    {"accounts.me", YZ_GET, "/api/v1/me", yz_accounts_http_me, SIGNED_IN, NULL, NULL, 0, 200,
     "accounts", "当前账号信息（个人信息已脱敏）"},
    {"accounts.personal_data", YZ_POST, "/api/v1/me/personal-data",
     yz_accounts_http_personal_data, SIGNED_IN, NULL, yz_accounts_reauth_body, 0, 200, "accounts",
     "查看本人完整个人信息（需重新输入密码，查看行为留痕）"},
    {"accounts.create_staff", YZ_POST, "/api/v1/staff", yz_accounts_http_create_staff,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), NULL, yz_accounts_staff_body, YZ_ROUTE_IDEMPOTENT, 201,
     "accounts", "法院管理员创建本院工作人员账号"},

    {"courts.list", YZ_GET, "/api/v1/courts", yz_courts_http_list, PUBLIC, NULL, NULL, 0, 200,
     "courts", "法院列表"},
    {"courts.get", YZ_GET, "/api/v1/courts/{id}", yz_courts_http_get, PUBLIC, yz_courts_id_params,
     NULL, 0, 200, "courts", "法院详情"},

    {"workflows.list", YZ_GET, "/api/v1/workflows", yz_matters_http_workflows, SIGNED_IN, NULL,
     NULL, 0, 200, "matters", "事项流程定义"},
    {"matters.create", YZ_POST, "/api/v1/matters", yz_matters_http_create, SIGNED_IN, NULL,
     yz_matters_create_body, YZ_ROUTE_IDEMPOTENT, 201, "matters", "新建事项"},
    {"matters.list", YZ_GET, "/api/v1/matters", yz_matters_http_list, SIGNED_IN,
     yz_matters_list_params, NULL, 0, 200, "matters", "我可查看的事项"},
    {"matters.get", YZ_GET, "/api/v1/matters/{id}", yz_matters_http_get, SIGNED_IN,
     yz_matters_id_params, NULL, 0, 200, "matters", "事项详情"},
    {"matters.fire", YZ_POST, "/api/v1/matters/{id}/events", yz_matters_http_fire, SIGNED_IN,
     yz_matters_id_params, yz_matters_fire_body, YZ_ROUTE_IDEMPOTENT, 200, "matters",
     "对事项执行操作（流程事件）"},
    {"matters.history", YZ_GET, "/api/v1/matters/{id}/events", yz_matters_http_history,
     SIGNED_IN, yz_matters_history_params, NULL, 0, 200, "matters", "事项全程留痕记录"},
};

const struct yz_route *yz_routes(size_t *count)
{
    *count = sizeof routes / sizeof routes[0];
    return routes;
}
