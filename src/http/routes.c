/*
 * The route table: every endpoint of the API, in one place. The router
 * validates from it and the OpenAPI document is generated from it.
 */
#include "http/route.h"
#include "accounts/accounts_http.h"
#include "assignment/assignment_http.h"
#include "attachments/attachments_http.h"
#include "catalog/catalog_http.h"
#include "classes/classes_http.h"
#include "courts/courts_http.h"
#include "fees/fees_http.h"
#include "filing/batch_http.h"
#include "filing/filing_http.h"
#include "forms/forms_http.h"
#include "kb/kb_http.h"
#include "matters/matters_http.h"
#include "mediation/notices_http.h"
#include "mediation/room.h"
#include "mediation/roster_http.h"
#include "payments/payments_http.h"
#include "notifications/notifications_http.h"
#include "notify/notify_http.h"
#include "policy/roles.h"
#include "settings/settings_http.h"
#include "stats/dashboard_http.h"
#include "system/system_http.h"
#include "templates/templates_http.h"
#include "triage/triage_http.h"

#define PUBLIC YZ_AUTH_PUBLIC, 0
#define SIGNED_IN YZ_AUTH_ANY, 0
#define ROLES(mask) YZ_AUTH_ROLES, (mask)
#define DOCUMENT_STAFF                                                                             \
    (YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(JUDGE) |                \
     YZ_ROLE_BIT(ASSISTANT) | YZ_ROLE_BIT(CLERK) | YZ_ROLE_BIT(SERVICE_OFFICER) |                  \
     YZ_ROLE_BIT(COURT_ADMIN))
#define CLASS_STAFF (YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(COURT_ADMIN))

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
    {"accounts.list_staff", YZ_GET, "/api/v1/staff", yz_accounts_http_list_staff,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_accounts_staff_list_params, NULL, 0, 200, "accounts",
     "本院工作人员账号列表（账号、姓名、岗位角色、状态；不含个人信息），可按 role 筛选"},
    {"accounts.update_staff", YZ_PATCH, "/api/v1/staff/{id}", yz_accounts_http_update_staff,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_accounts_staff_id_params, yz_accounts_staff_update_body,
     0, 200, "accounts",
     "修改本院工作人员的姓名、岗位角色（管理员账号与业务账号不互转；团队成员和有在办案件的法官须先移出团队、"
     "重新分案；不能改本人的角色），可附变更原因"},
    {"accounts.disable_staff", YZ_POST, "/api/v1/staff/{id}/disable",
     yz_accounts_http_disable_staff, ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_accounts_staff_id_params,
     yz_accounts_staff_disable_body, 0, 200, "accounts",
     "停用本院工作人员账号（须填原因；其全部会话和令牌立即失效；不能停用本人或本院最后一个管理员）"},
    {"accounts.enable_staff", YZ_POST, "/api/v1/staff/{id}/enable", yz_accounts_http_enable_staff,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_accounts_staff_id_params, yz_accounts_staff_reason_body,
     0, 200, "accounts", "重新启用已停用的本院工作人员账号（须重新登录）"},
    {"accounts.reset_staff_totp", YZ_POST, "/api/v1/staff/{id}/totp-reset",
     yz_accounts_http_reset_staff_totp, ROLES(YZ_ROLE_BIT(COURT_ADMIN)),
     yz_accounts_staff_id_params, yz_accounts_staff_reason_body, 0, 200, "accounts",
     "重置工作人员的动态验证码：生成新密钥（仅此一次显示），原验证器失效，其会话全部结束，须用新密钥重新绑定"},
    {"settings.get", YZ_GET, "/api/v1/settings", yz_settings_http_get,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), NULL, NULL, 0, 200, "settings",
     "本院业务设置：各项的生效值及其来源（court 本院设置，config 配置文件等，default 默认值）"},
    {"settings.change", YZ_PATCH, "/api/v1/settings", yz_settings_http_change,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), NULL, yz_settings_change_body, 0, 200, "settings",
     "修改本院业务设置（须填原因；本院设置优先于配置文件；填空文本则恢复使用配置文件的值）"},
    {"notify.set_email", YZ_POST, "/api/v1/me/email", yz_notify_http_set_email, SIGNED_IN, NULL,
     yz_notify_email_body, 0, 200, "notifications",
     "设置本人的通知邮箱（保存后向新邮箱发送确认邮件；原邮箱收到更改提醒）"},

    {"courts.list", YZ_GET, "/api/v1/courts", yz_courts_http_list, PUBLIC, NULL, NULL, 0, 200,
     "courts", "法院列表"},
    {"courts.get", YZ_GET, "/api/v1/courts/{id}", yz_courts_http_get, PUBLIC, yz_courts_id_params,
     NULL, 0, 200, "courts", "法院详情"},

    {"catalog.causes", YZ_GET, "/api/v1/causes", yz_catalog_http_causes, PUBLIC,
     yz_catalog_causes_params, NULL, 0, 200, "catalog",
     "民事案由：按名称搜索（q），或列出下级案由（parent），或列出一级部分"},
    {"catalog.cause", YZ_GET, "/api/v1/causes/{id}", yz_catalog_http_cause, PUBLIC,
     yz_catalog_cause_params, NULL, 0, 200, "catalog", "案由详情：层级路径、下级案由及新旧版本对应"},
    {"catalog.case_types", YZ_GET, "/api/v1/case-types", yz_catalog_http_case_types, PUBLIC,
     yz_catalog_case_types_params, NULL, 0, 200, "catalog", "案件类型及其代字"},
    {"catalog.materials", YZ_GET, "/api/v1/materials/{cause_id}", yz_catalog_http_materials,
     PUBLIC, yz_catalog_materials_params, NULL, 0, 200, "catalog",
     "立案材料公示清单；附 attached 时一次性告知缺少的材料"},

    {"forms.list", YZ_GET, "/api/v1/complaint-forms", yz_forms_http_list, PUBLIC,
     yz_forms_list_params, NULL, 0, 200, "forms",
     "要素式起诉状、答辩状表单列表；附 cause（案由代码）时只列适用于该案由的表单"},
    {"forms.get", YZ_GET, "/api/v1/complaint-forms/{id}", yz_forms_http_get, PUBLIC,
     yz_forms_id_params, NULL, 0, 200, "forms",
     "要素式表单详情：各部分、要素（编号、类型、选项、是否必填、填写提示）"},
    {"forms.render", YZ_POST, "/api/v1/complaint-forms/{id}/render", yz_forms_http_render, PUBLIC,
     yz_forms_id_params, yz_forms_render_body, 0, 200, "forms",
     "校验要素并生成起诉状（或答辩状）文本，另给出可填入立案申请的诉讼请求、事实与理由；"
     "answers 以要素编号为键，当事人放在 answers.parties；不保存任何内容"},

    {"kb.search", YZ_GET, "/api/v1/kb", yz_kb_http_search, PUBLIC, yz_kb_search_params, NULL, 0,
     200, "kb",
     "法律问答（12368 知识库）：按问题检索，最相关的在前（汉字二元分词，问题比答案权重高）；"
     "q 最多 100 个字，limit 默认 10、最多 50"},
    {"kb.get", YZ_GET, "/api/v1/kb/{id}", yz_kb_http_get, PUBLIC, yz_kb_id_params, NULL, 0, 200,
     "kb", "法律问答详情"},

    {"fees.quote", YZ_GET, "/api/v1/fees/quote", yz_fees_http_quote, PUBLIC, yz_fees_quote_params,
     NULL, 0, 200, "fees", "诉讼费用计算"},

    {"workflows.list", YZ_GET, "/api/v1/workflows", yz_matters_http_workflows, SIGNED_IN, NULL,
     NULL, 0, 200, "matters", "事项流程定义"},
    {"matters.create", YZ_POST, "/api/v1/matters", yz_matters_http_create, SIGNED_IN, NULL,
     yz_matters_create_body, YZ_ROUTE_IDEMPOTENT, 201, "matters", "新建事项"},
    {"matters.list", YZ_GET, "/api/v1/matters", yz_matters_http_list, SIGNED_IN,
     yz_matters_list_params, NULL, 0, 200, "matters",
     "我可查看的事项（诉讼费用缓减免申请附所涉案件及其案号、申请事项）"},
    {"matters.get", YZ_GET, "/api/v1/matters/{id}", yz_matters_http_get, SIGNED_IN,
     yz_matters_id_params, NULL, 0, 200, "matters", "事项详情"},
    {"matters.fire", YZ_POST, "/api/v1/matters/{id}/events", yz_matters_http_fire, SIGNED_IN,
     yz_matters_id_params, yz_matters_fire_body, YZ_ROUTE_IDEMPOTENT, 200, "matters",
     "对事项执行操作（流程事件）"},
    {"matters.history", YZ_GET, "/api/v1/matters/{id}/events", yz_matters_http_history,
     SIGNED_IN, yz_matters_history_params, NULL, 0, 200, "matters", "事项全程留痕记录"},
    {"matters.personal_data", YZ_POST, "/api/v1/matters/{id}/personal-data",
     yz_matters_http_personal_data, SIGNED_IN, yz_matters_id_params, yz_matters_personal_data_body,
     0, 200, "matters",
     "工作人员查看当事人完整的身份证号码、手机号码或住址（party 为当事人序号，须说明理由；"
     "仅限本院立案、审判、书记、送达岗位，查看行为记入事项留痕）"},

    {"attachments.upload", YZ_POST, "/api/v1/attachments", yz_attachments_http_upload, SIGNED_IN,
     NULL, NULL, YZ_ROUTE_UPLOAD | YZ_ROUTE_IDEMPOTENT, 201, "attachments",
     "上传材料文件（multipart/form-data：file，可选 matter_id、kind、title；仅 PDF、JPEG、PNG），"
     "返回回执（SHA-256 与服务器时间）"},
    {"attachments.download", YZ_GET, "/api/v1/attachments/{id}", yz_attachments_http_download,
     SIGNED_IN, yz_attachments_id_params, NULL, YZ_ROUTE_RAW, 200, "attachments",
     "下载材料文件（下载行为留痕）"},
    {"attachments.meta", YZ_GET, "/api/v1/attachments/{id}/meta", yz_attachments_http_meta,
     SIGNED_IN, yz_attachments_id_params, NULL, 0, 200, "attachments", "材料文件信息"},
    {"attachments.list", YZ_GET, "/api/v1/matters/{id}/attachments", yz_attachments_http_list,
     SIGNED_IN, yz_attachments_matter_params, NULL, 0, 200, "attachments", "事项的材料文件列表"},

    {"filing.queue", YZ_GET, "/api/v1/filing/queue", yz_filing_http_queue,
     ROLES(YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(COURT_ADMIN)), yz_filing_queue_params, NULL, 0,
     200, "filing", "本院立案审查队列（先到先审，含法定期限）"},
    {"filing.overdue", YZ_GET, "/api/v1/filing/overdue", yz_filing_http_overdue,
     ROLES(YZ_ROLE_BIT(SUPERVISOR) | YZ_ROLE_BIT(COURT_ADMIN)), NULL, NULL, 0, 200, "filing",
     "各法院待审、超期、不予受理的立案申请数"},
    {"filing.materials", YZ_GET, "/api/v1/matters/{id}/materials-check", yz_filing_http_materials,
     SIGNED_IN, yz_filing_matter_params, NULL, 0, 200, "filing",
     "立案材料核对：按案由公示清单一次性列出缺少的全部材料"},
    {"filing.progress", YZ_GET, "/api/v1/progress", yz_filing_http_progress, PUBLIC,
     yz_filing_progress_params, NULL, 0, 200, "filing", "案件进度查询（案号 + 查询码，免登录）"},
    {"filing.batch_create", YZ_POST, "/api/v1/filing/batches", yz_batch_http_create,
     ROLES(YZ_ROLE_BIT(PARTY) | YZ_ROLE_BIT(LAWYER)), NULL, yz_batch_create_body,
     YZ_ROUTE_IDEMPOTENT, 201, "filing",
     "批量立案：起诉状模板 + CSV 表格（每行一件，最多 2000 行、1 MiB），逐行校验，有效的行提交立案申请；"
     "同一批次重复上传返回原结果（200），不重复立案"},
    {"filing.batch_list", YZ_GET, "/api/v1/filing/batches", yz_batch_http_list,
     ROLES(YZ_ROLE_BIT(PARTY) | YZ_ROLE_BIT(LAWYER)), NULL, NULL, 0, 200, "filing",
     "我上传的批量立案批次（新的在前）：批次名称、受理法院、行数、已提交和有误的行数"},
    {"filing.batch_get", YZ_GET, "/api/v1/filing/batches/{id}", yz_batch_http_get,
     ROLES(YZ_ROLE_BIT(PARTY) | YZ_ROLE_BIT(LAWYER)), yz_batch_id_params, NULL, 0, 200, "filing",
     "批量立案逐行结果（仅上传人可见）"},
    {"filing.batch_report", YZ_GET, "/api/v1/filing/batches/{id}/report.csv", yz_batch_http_report,
     ROLES(YZ_ROLE_BIT(PARTY) | YZ_ROLE_BIT(LAWYER)), yz_batch_id_params, NULL, YZ_ROUTE_RAW, 200,
     "filing", "下载批量立案逐行结果（CSV，Excel 可直接打开）"},

    {"notifications.list", YZ_GET, "/api/v1/notifications", yz_notifications_http_list, SIGNED_IN,
     yz_notifications_list_params, NULL, 0, 200, "notifications",
     "我的站内通知（法院工作人员另含发给本院的），新的在前；unread=true 仅列未读"},
    {"notifications.read", YZ_POST, "/api/v1/notifications/{id}/read", yz_notifications_http_read,
     SIGNED_IN, yz_notifications_id_params, NULL, 0, 200, "notifications", "将站内通知标为已读"},
    {"notify.outbox", YZ_GET, "/api/v1/outbox", yz_notify_http_outbox,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_notify_outbox_params, NULL, 0, 200, "notifications",
     "本院事项的邮件、短信通知及发送状态（pending 待发送、sent 已发送、failed 已放弃；地址已脱敏）"},

    {"payments.list", YZ_GET, "/api/v1/matters/{id}/payments", yz_payments_http_list, SIGNED_IN,
     yz_payments_matter_params, NULL, 0, 200, "payments", "案件诉讼费用：应缴、已缴、已退及明细"},
    {"payments.create", YZ_POST, "/api/v1/matters/{id}/payments", yz_payments_http_create,
     SIGNED_IN, yz_payments_matter_params, yz_payments_create_body, YZ_ROUTE_IDEMPOTENT, 201,
     "payments", "生成缴费订单（窗口或网上缴费）"},
    {"payments.confirm", YZ_POST, "/api/v1/payments/{id}/confirm", yz_payments_http_confirm,
     ROLES(YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(COURT_ADMIN)), yz_payments_id_params,
     yz_payments_confirm_body, 0, 200, "payments", "窗口收费确认（收据号）"},
    {"payments.refund", YZ_POST, "/api/v1/matters/{id}/refunds", yz_payments_http_refund,
     ROLES(YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(JUDGE)),
     yz_payments_matter_params, yz_payments_refund_body, YZ_ROUTE_IDEMPOTENT, 201, "payments",
     "退还诉讼费用"},
    {"payments.unpaid", YZ_GET, "/api/v1/payments/unpaid", yz_payments_http_unpaid,
     ROLES(YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(COURT_ADMIN)),
     yz_payments_unpaid_params, NULL, 0, 200, "payments",
     "本院逾期未预交诉讼费用的案件（期限届满在先的在前，含应缴、已缴、未缴金额），可据以裁定按撤诉处理"},
    {"payments.callback", YZ_POST, "/api/v1/payments/callback", yz_payments_http_callback, PUBLIC,
     NULL, yz_payments_callback_body, YZ_ROUTE_NO_CSRF, 200, "payments",
     "支付网关回调（X-Gateway-Signature 签名）"},

    {"mediation.messages", YZ_GET, "/api/v1/matters/{id}/messages", yz_room_http_messages,
     SIGNED_IN, yz_room_list_params, NULL, 0, 200, "mediation", "调解室消息（本人可见的私信及共同消息）及调解室成员（用户编号、姓名、身份）"},
    {"mediation.post_message", YZ_POST, "/api/v1/matters/{id}/messages",
     yz_room_http_post_message, SIGNED_IN, yz_room_matter_params, yz_room_message_body,
     YZ_ROUTE_IDEMPOTENT, 201, "mediation", "在调解室发送消息（私信或共同）"},
    {"mediation.notice", YZ_GET, "/api/v1/matters/{id}/notices/{kind}", yz_notices_http_get,
     SIGNED_IN, yz_notices_params, NULL, 0, 200, "mediation",
     "当事人告知书：多元解纷告知书（dispute_resolution）、诉讼费用减半告知书（fee_reduction，调解成功后）、"
     "诉讼风险提示书（litigation_risk，按案由提示）"},
    {"mediation.sessions", YZ_GET, "/api/v1/matters/{id}/sessions", yz_room_http_sessions,
     SIGNED_IN, yz_room_matter_params, NULL, 0, 200, "mediation", "调解安排"},
    {"mediation.schedule", YZ_POST, "/api/v1/matters/{id}/sessions", yz_room_http_post_session,
     SIGNED_IN, yz_room_matter_params, yz_room_session_body, YZ_ROUTE_IDEMPOTENT, 201,
     "mediation", "调解员安排调解（通知各方当事人）"},

    {"triage.queue", YZ_GET, "/api/v1/triage/queue", yz_triage_http_queue,
     ROLES(YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(COURT_ADMIN) |
           YZ_ROLE_BIT(SUPERVISOR)),
     yz_triage_queue_params, NULL, 0, 200, "triage",
     "繁简分流队列：已立案待分流案件（先立先分），含系统建议、分值、理由及期限"},
    {"triage.proposal", YZ_GET, "/api/v1/matters/{id}/triage", yz_triage_http_proposal, SIGNED_IN,
     yz_triage_matter_params, NULL, 0, 200, "triage",
     "案件的分流建议：建议程序、分值、所依据的规则及法律依据、案件特征，以及分流决定"},
    {"triage.amend", YZ_POST, "/api/v1/matters/{id}/triage/features", yz_triage_http_amend,
     SIGNED_IN, yz_triage_matter_params, yz_triage_amend_body, 0, 200, "triage",
     "分流员修正立案材料无法反映的案件特征（如需要鉴定、有反诉），系统重新建议"},
    {"triage.report", YZ_GET, "/api/v1/triage/report", yz_triage_http_report,
     ROLES(YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(SUPERVISOR)),
     yz_triage_report_params, NULL, 0, 200, "triage",
     "分流建议与决定的一致率（总体及按规则），供调整分流规则"},

    {"roster.list", YZ_GET, "/api/v1/roster", yz_roster_http_list, PUBLIC, yz_roster_list_params,
     NULL, 0, 200, "roster",
     "特邀调解名册：调解组织和调解员（不含个人联系方式）及其调解业绩；可按法院、案由（2025 年版代码）、名称筛选"},
    {"roster.recommend", YZ_GET, "/api/v1/roster/recommend", yz_roster_http_recommend, SIGNED_IN,
     yz_roster_recommend_params, NULL, 0, 200, "roster",
     "按擅长案由、地区、当前承办量和调解成功率推荐调解员，附各项得分和推荐理由"},
    {"roster.org_create", YZ_POST, "/api/v1/roster/orgs", yz_roster_http_org_create,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), NULL, yz_roster_org_create_body, YZ_ROUTE_IDEMPOTENT, 201,
     "roster", "法院管理员将调解组织列入本院特邀调解名册（admin_phone：调解组织管理员账号的手机号）"},
    {"roster.org_get", YZ_GET, "/api/v1/roster/orgs/{id}", yz_roster_http_org_get, PUBLIC,
     yz_roster_id_params, NULL, 0, 200, "roster", "调解组织详情：调解员、工作室、调解业绩"},
    {"roster.org_update", YZ_PATCH, "/api/v1/roster/orgs/{id}", yz_roster_http_org_update,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(ORG_ADMIN)), yz_roster_id_params,
     yz_roster_org_update_body, 0, 200, "roster",
     "修改调解组织信息；status=suspended 暂停（法院管理员）；调解组织管理员只能修改联系电话和所在地区"},
    {"roster.org_workload", YZ_GET, "/api/v1/roster/orgs/{id}/workload",
     yz_roster_http_org_workload, SIGNED_IN, yz_roster_id_params, NULL, 0, 200, "roster",
     "调解组织及其调解员的工作量：受理、在办、成功率、平均用时、超期、司法确认率"},
    {"roster.mediator_add", YZ_POST, "/api/v1/roster/mediators", yz_roster_http_mediator_add,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(ORG_ADMIN)), NULL, yz_roster_mediator_add_body,
     YZ_ROUTE_IDEMPOTENT, 201, "roster",
     "按手机号关联已注册的调解员账号，列入名册（specialties、languages 以逗号或顿号分隔）"},
    {"roster.mediator_get", YZ_GET, "/api/v1/roster/mediators/{id}", yz_roster_http_mediator_get,
     PUBLIC, yz_roster_id_params, NULL, 0, 200, "roster", "调解员详情：专长、语言、培训记录、工作室、调解业绩"},
    {"roster.mediator_update", YZ_PATCH, "/api/v1/roster/mediators/{id}",
     yz_roster_http_mediator_update,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(ORG_ADMIN) | YZ_ROLE_BIT(MEDIATOR)),
     yz_roster_id_params, yz_roster_mediator_update_body, 0, 200, "roster",
     "修改调解员信息；status 仅法院管理员可改；调解员本人只能修改 available（是否可接受委派）"},
    {"roster.mediator_workload", YZ_GET, "/api/v1/roster/mediators/{id}/workload",
     yz_roster_http_mediator_workload, SIGNED_IN, yz_roster_id_params, NULL, 0, 200, "roster",
     "调解员工作量：受理、在办、成功率、平均用时、超期、司法确认率"},
    {"roster.mine", YZ_GET, "/api/v1/me/roster", yz_roster_http_mine,
     ROLES(YZ_ROLE_BIT(MEDIATOR) | YZ_ROLE_BIT(ORG_ADMIN)), NULL, NULL, 0, 200, "roster",
     "本人在特邀调解名册中的记录：调解员本人的名册条目、调解组织管理员管理的调解组织（用于查看工作量）"},
    {"roster.training_add", YZ_POST, "/api/v1/roster/mediators/{id}/training",
     yz_roster_http_training_add, ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(ORG_ADMIN)),
     yz_roster_id_params, yz_roster_training_body, YZ_ROUTE_IDEMPOTENT, 201, "roster",
     "登记调解员培训记录"},
    {"roster.studio_create", YZ_POST, "/api/v1/roster/studios", yz_roster_http_studio_create,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(ORG_ADMIN)), NULL, yz_roster_studio_body,
     YZ_ROUTE_IDEMPOTENT, 201, "roster", "设立调解工作室（属于一个调解组织或一名调解员）"},

    /* Class cases (类案): triage officers, judges and court admins of the court. */
    {"classes.suggest", YZ_GET, "/api/v1/case-groups/suggestions", yz_classes_http_suggest,
     ROLES(CLASS_STAFF), NULL, NULL, 0, 200, "classes",
     "类案推荐：本院尚未归类的已立案案件中同一原告、同一案由、诉讼请求相似的案件，附匹配的标准"},
    {"classes.list", YZ_GET, "/api/v1/case-groups", yz_classes_http_list, ROLES(CLASS_STAFF), NULL,
     NULL, 0, 200, "classes", "本院的类案列表"},
    {"classes.create", YZ_POST, "/api/v1/case-groups", yz_classes_http_create,
     ROLES(CLASS_STAFF), NULL, yz_classes_create_body, YZ_ROUTE_IDEMPOTENT, 201, "classes",
     "创建类案（名称、案由、归类标准）"},
    {"classes.get", YZ_GET, "/api/v1/case-groups/{id}", yz_classes_http_get, ROLES(CLASS_STAFF),
     yz_classes_id_params, NULL, 0, 200, "classes", "类案详情：示范案件与跟进案件（附与示范案件的诉讼请求相似度）"},
    {"classes.add_case", YZ_POST, "/api/v1/case-groups/{id}/cases", yz_classes_http_add_case,
     ROLES(CLASS_STAFF), yz_classes_id_params, yz_classes_case_body, 0, 200, "classes",
     "将本院已立案案件加入类案（须同一原告、同一案由）"},
    {"classes.remove_case", YZ_DELETE, "/api/v1/case-groups/{id}/cases/{case_id}",
     yz_classes_http_remove_case, ROLES(CLASS_STAFF), yz_classes_member_params, NULL, 0, 200,
     "classes", "将案件移出类案（移出示范案件后类案暂无示范案件）"},
    {"classes.demonstration", YZ_PUT, "/api/v1/case-groups/{id}/demonstration",
     yz_classes_http_demonstration, ROLES(CLASS_STAFF), yz_classes_id_params,
     yz_classes_case_body, 0, 200, "classes", "指定示范案件，其余案件作为跟进案件"},
    {"classes.of_case", YZ_GET, "/api/v1/matters/{id}/case-group", yz_classes_http_of_case,
     ROLES(CLASS_STAFF), yz_classes_matter_params, NULL, 0, 200, "classes",
     "案件所属的类案及其示范案件"},

    {"teams.create", YZ_POST, "/api/v1/teams", yz_assign_http_team_create,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), NULL, yz_assign_team_create_body, YZ_ROUTE_IDEMPOTENT, 201,
     "assignment", "法院管理员设立本院审判团队（fast_track 快审团队，ordinary 普通程序审判团队）"},
    {"teams.list", YZ_GET, "/api/v1/teams", yz_assign_http_team_list, SIGNED_IN, NULL, NULL, 0, 200,
     "assignment", "本院审判团队及其成员、在办案件数（本院工作人员）"},
    {"teams.get", YZ_GET, "/api/v1/teams/{id}", yz_assign_http_team_get, SIGNED_IN,
     yz_assign_team_id_params, NULL, 0, 200, "assignment", "审判团队详情：成员及其在办案件数"},
    {"teams.update", YZ_PATCH, "/api/v1/teams/{id}", yz_assign_http_team_update,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_assign_team_id_params, yz_assign_team_update_body, 0, 200,
     "assignment", "修改审判团队名称、类别，或停用、启用（停用的团队不参加随机分案）"},
    {"teams.member_add", YZ_POST, "/api/v1/teams/{id}/members", yz_assign_http_member_add,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_assign_team_id_params, yz_assign_member_body,
     YZ_ROUTE_IDEMPOTENT, 201, "assignment",
     "加入团队成员：本院法官、法官助理、书记员（user_id，按其账号角色），或本院名册上的调解员"
     "（mediator_id 为名册编号，或 user_id 为其账号）"},
    {"teams.member_remove", YZ_DELETE, "/api/v1/teams/{id}/members/{user_id}",
     yz_assign_http_member_remove, ROLES(YZ_ROLE_BIT(COURT_ADMIN)), yz_assign_member_params, NULL,
     0, 200, "assignment", "移出团队成员"},
    {"teams.queue", YZ_GET, "/api/v1/teams/{id}/queue", yz_assign_http_team_queue, SIGNED_IN,
     yz_assign_team_id_params, NULL, 0, 200, "assignment",
     "团队案件队列：在办案件、审理程序、承办法官、未届满的期限（含审限）及是否超期，成员工作量"
     "（团队成员、本院分流员和法院管理员）"},
    {"assignment.pending", YZ_GET, "/api/v1/assignment/pending", yz_assign_http_pending,
     ROLES(YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(COURT_ADMIN)), NULL, NULL, 0, 200,
     "assignment",
     "待分案案件：本院已分流到小额诉讼、简易或普通程序而尚无承办法官的案件（含承办法官回避后待重新分案的），"
     "先立案先列出，附未届满的期限"},
    {"assignment.my_queue", YZ_GET, "/api/v1/me/queue", yz_assign_http_my_queue,
     ROLES(YZ_ROLE_BIT(JUDGE)), NULL, NULL, 0, 200, "assignment", "法官本人承办的在办案件及期限"},
    {"stats.dashboard", YZ_GET, "/api/v1/dashboard", yz_dashboard_http_get,
     ROLES(YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(SUPERVISOR)), yz_dashboard_params, NULL, 0, 200,
     "stats",
     "统计看板：按渠道和法院的立案数、立案审查用时、超期未处理的立案申请、调解成功率、"
     "繁简分流中速裁和简易程序的占比；上级法院可看本院及下级法院"},
    {"assignment.report", YZ_GET, "/api/v1/assignment/report", yz_assign_http_report,
     ROLES(YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(COURT_ADMIN) | YZ_ROLE_BIT(SUPERVISOR)),
     yz_assign_report_params, NULL, 0, 200, "assignment",
     "分案统计：随机分案与指定分案分别计数，各法官的分案数和在办案件数"},
    {"assignment.matter", YZ_GET, "/api/v1/matters/{id}/assignment", yz_assign_http_matter,
     SIGNED_IN, yz_assign_matter_params, NULL, 0, 200, "assignment",
     "案件的分案情况：当前承办法官、回避记录、每次随机分案（候选、排除及理由、负荷、种子）和指定分案，"
     "并按留痕记录重新演算每次随机分案"},
    {"assignment.recusal", YZ_POST, "/api/v1/matters/{id}/recusals", yz_assign_http_recusal,
     ROLES(YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(COURT_ADMIN)),
     yz_assign_matter_params, yz_assign_recusal_body, YZ_ROUTE_IDEMPOTENT, 201, "assignment",
     "登记回避：法官本人自行回避；分流员或法院管理员登记当事人申请回避、利害关系。"
     "承办法官回避的，案件待重新分案"},
    {"assignment.conflicts", YZ_GET, "/api/v1/judges/{id}/conflicts", yz_assign_http_conflicts,
     ROLES(YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(COURT_ADMIN)),
     yz_assign_judge_params, NULL, 0, 200, "assignment",
     "法官已登记的利害关系（当事人、律师事务所、律师），随机分案时自动排除，指定分案时拒绝"},
    {"assignment.conflict_add", YZ_POST, "/api/v1/judges/{id}/conflicts",
     yz_assign_http_conflict_add, ROLES(YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(COURT_ADMIN)),
     yz_assign_judge_params, yz_assign_conflict_body, YZ_ROUTE_IDEMPOTENT, 201, "assignment",
     "登记法官的利害关系（kind：party_name 当事人名称、credit_code 统一社会信用代码、law_firm "
     "律师事务所、lawyer_licence 律师执业证号）；法官本人或法院管理员"},
    {"assignment.conflict_remove", YZ_DELETE, "/api/v1/judges/{id}/conflicts/{conflict_id}",
     yz_assign_http_conflict_remove, ROLES(YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(COURT_ADMIN)),
     yz_assign_conflict_params, NULL, 0, 200, "assignment", "撤销已登记的利害关系"},

    /* Court documents from templates: staff of the case's court. */
    {"templates.list", YZ_GET, "/api/v1/matters/{id}/documents", yz_templates_http_list,
     ROLES(DOCUMENT_STAFF), yz_templates_matter_params, NULL, 0, 200, "templates",
     "适用于该案件类别的文书模板（调解协议、简易程序判决书、要素式判决书、传票）及其填写项"},
    {"templates.render", YZ_POST, "/api/v1/matters/{id}/documents/{template}/render",
     yz_templates_http_render, ROLES(DOCUMENT_STAFF), yz_templates_render_params,
     yz_templates_render_body, YZ_ROUTE_RAW, 200, "templates",
     "按模板制作文书：format=text 返回纯文本，format=pdf 返回 A4 PDF（不保存）"},
};

const struct yz_route *yz_routes(size_t *count)
{
    *count = sizeof routes / sizeof routes[0];
    return routes;
}
