/*
 * Demo accounts. Staff work at 重庆市渝中区人民法院 (渝0103); the court admin
 * there creates further staff; the supervisor sits at 重庆市第五中级人民法院,
 * the court above it. Citizen IDs are synthetic numbers with valid check
 * characters (region 500103, fictitious birth dates). 渝0105 has its own
 * filing clerk and court admin, for tests of what another court may not do.
 *
 * The roster of 渝0103 gets one people's mediation committee run by the demo
 * org admin, with the demo mediator as its member and one named studio,
 * created through the roster's own functions (so with their events).
 *
 * 渝0103 also gets more judges, assistants and clerks (judge2 ...) and three
 * trial teams, created through src/assignment (so with their events): two
 * fast-track teams (速裁一组 with the demo mediator, 速裁二组) and one
 * ordinary team (民事审判一组, led by the demo judge).
 */
#include "cli/demo.h"
#include "accounts/accounts.h"
#include "assignment/assignment.h"
#include "mediation/roster.h"
#include "store/store.h"

#include <jansson.h>

#include <stdio.h>
#include <string.h>

struct demo_account {
    const char *role, *person_kind, *name, *phone, *username, *citizen_id, *credit_code,
        *legal_rep, *licence_no, *firm, *court;
};

/* clang-format off */
static const struct demo_account accounts[] = {
    {"party", "natural", "张三", "13800000001", NULL, "500103199001011232", NULL, NULL, NULL, NULL, NULL},
    {"party", "natural", "李四", "13800000002", NULL, "500103198502022330", NULL, NULL, NULL, NULL, NULL},
    {"party", "legal", "重庆示例商贸有限公司", "13800000003", NULL, NULL, "91500103MA5U0AAA0Q", "王五", NULL, NULL, NULL},
    {"lawyer", "natural", "赵律师", "13800000004", NULL, "500103198003033334", NULL, NULL, "15001201010000001", "重庆示例律师事务所", NULL},
    {"mediator", "natural", "钱调解员", "13800000005", NULL, "500103197004044444", NULL, NULL, NULL, NULL, NULL},
    {"org_admin", "natural", "孙主任", "13800000006", NULL, "500103197505055555", NULL, NULL, NULL, NULL, NULL},
    {"filing_clerk", NULL, "周立案", NULL, "filing_clerk", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"triage_officer", NULL, "吴分流", NULL, "triage_officer", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"judge", NULL, "郑法官", NULL, "judge", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"assistant", NULL, "冯助理", NULL, "assistant", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"clerk", NULL, "陈书记员", NULL, "clerk", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"service_officer", NULL, "褚送达", NULL, "service_officer", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"petition_officer", NULL, "卫信访", NULL, "petition_officer", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"hotline_agent", NULL, "蒋坐席", NULL, "hotline_agent", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"court_admin", NULL, "沈管理员", NULL, "court_admin", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"supervisor", NULL, "韩监督", NULL, "supervisor", NULL, NULL, NULL, NULL, NULL, "渝05"},
    {"filing_clerk", NULL, "杨立案", NULL, "filing_clerk_jb", NULL, NULL, NULL, NULL, NULL, "渝0105"},
    {"court_admin", NULL, "秦管理员", NULL, "court_admin_jb", NULL, NULL, NULL, NULL, NULL, "渝0105"},
    {"judge", NULL, "王法官", NULL, "judge2", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"judge", NULL, "刘法官", NULL, "judge3", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"judge", NULL, "何法官", NULL, "judge4", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"judge", NULL, "许法官", NULL, "judge5", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"assistant", NULL, "吕助理", NULL, "assistant2", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"assistant", NULL, "施助理", NULL, "assistant3", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"clerk", NULL, "张书记员", NULL, "clerk2", NULL, NULL, NULL, NULL, NULL, "渝0103"},
    {"clerk", NULL, "孔书记员", NULL, "clerk3", NULL, NULL, NULL, NULL, NULL, "渝0103"},
};

/* The trial teams of 渝0103: members by login (username, or phone for the mediator). */
static const struct {
    const char *name, *kind;
    const char *members[6][2]; /* {login, role} */
} demo_teams[] = {
    {"速裁一组", "fast_track",
     {{"judge2", "judge"}, {"judge3", "judge"}, {"assistant2", "assistant"}, {"clerk2", "clerk"},
      {"13800000005", "mediator"}, {NULL, NULL}}},
    {"速裁二组", "fast_track",
     {{"judge4", "judge"}, {"assistant3", "assistant"}, {"clerk3", "clerk"}, {NULL, NULL}}},
    {"民事审判一组", "ordinary",
     {{"judge", "judge"}, {"judge5", "judge"}, {"assistant", "assistant"}, {"clerk", "clerk"},
      {NULL, NULL}}},
};
/* clang-format on */

/* The roster of 渝0103: organisation, member, studio, each through roster.h. */
struct demo_roster {
    struct yz_app *app;
    struct yz_field_errors fe;
    const char *step;
};

static enum yz_err demo_roster_tx(struct yz_tx *tx, void *ctx)
{
    struct demo_roster *d = ctx;
    struct yz_app *app = d->app;
    const struct yz_court *court = yz_courts_find_code(&app->courts, "渝0103");
    if (!court)
        return YZ_ERR_NOT_FOUND;
    /* The system acts with the court admin's authority over its own roster. */
    struct yz_principal system = {.user_id = 0, .role = YZ_ROLE_COURT_ADMIN, .court_id = court->id};
    json_t *org = NULL, *mediator = NULL, *studio = NULL;
    d->step = "organisation";
    struct yz_roster_org_input oi = {
        .court_id = court->id, .name = "渝中区人民调解委员会", .kind = "people",
        .region = "渝中区", .phone = "023-63800000", .admin_phone = "13800000006",
    };
    enum yz_err e = yz_roster_org_create(tx, app, &system, "system", &oi, &d->fe, &org);
    if (e != YZ_OK)
        goto out;
    d->step = "mediator";
    struct yz_roster_mediator_input mi = {
        .phone = "13800000005",
        .org_id = json_integer_value(json_object_get(org, "id")),
        .specialties = "108.3,108.4,88,116.2,126,55",
        .languages = "普通话,重庆话",
        .capacity = 10,
        .qualifications = "人民调解员，从事基层调解工作十五年",
        .available = 1,
    };
    if ((e = yz_roster_mediator_add(tx, app, &system, "system", &mi, &d->fe, &mediator)) != YZ_OK)
        goto out;
    d->step = "studio";
    struct yz_roster_studio_input si = {
        .org_id = mi.org_id,
        .name = "老钱调解工作室",
        .description = "以调解员姓氏命名，专注邻里、借贷和物业纠纷，设在解放碑街道",
    };
    e = yz_roster_studio_create(tx, app, &system, "system", &si, &d->fe, &studio);
out:
    json_decref(org);
    json_decref(mediator);
    json_decref(studio);
    return e;
}

static bool demo_roster(struct yz_app *app)
{
    struct demo_roster d = {.app = app};
    enum yz_err e = yz_store_write(app->store, demo_roster_tx, &d);
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan init: demo roster (%s): %s", d.step ? d.step : "-", yz_err_code(e));
        for (int k = 0; k < d.fe.count; k++)
            fprintf(stderr, " [%s: %s]", d.fe.items[k].field, d.fe.items[k].message);
        fputc('\n', stderr);
        return false;
    }
    printf("demo roster: 渝中区人民调解委员会 (admin 13800000006), mediator 钱调解员 (13800000005),"
           " studio 老钱调解工作室\n");
    return true;
}

static int64_t demo_user_id(const char *login);

struct demo_teams_ctx {
    struct yz_app *app;
    struct yz_field_errors fe;
    const char *step;
};

static enum yz_err demo_teams_tx(struct yz_tx *tx, void *ctx)
{
    struct demo_teams_ctx *d = ctx;
    const struct yz_court *court = yz_courts_find_code(&d->app->courts, "渝0103");
    if (!court)
        return YZ_ERR_NOT_FOUND;
    struct yz_principal system = {.user_id = 0, .role = YZ_ROLE_COURT_ADMIN, .court_id = court->id};
    enum yz_err e = YZ_OK;
    for (size_t i = 0; i < sizeof demo_teams / sizeof demo_teams[0] && e == YZ_OK; i++) {
        d->step = demo_teams[i].name;
        struct yz_team_input in = {.name = demo_teams[i].name, .kind = demo_teams[i].kind,
                                   .active = -1};
        json_t *team = NULL;
        if ((e = yz_team_create(tx, d->app, &system, "system", &in, &d->fe, &team)) != YZ_OK)
            break;
        int64_t id = json_integer_value(json_object_get(team, "id"));
        json_decref(team);
        for (size_t k = 0; demo_teams[i].members[k][0] && e == YZ_OK; k++) {
            json_t *t = NULL;
            e = yz_team_member_add(tx, d->app, &system, "system", id,
                                   demo_user_id(demo_teams[i].members[k][0]),
                                   demo_teams[i].members[k][1], &d->fe, &t);
            json_decref(t);
        }
    }
    return e;
}

static bool demo_teams_create(struct yz_app *app)
{
    struct demo_teams_ctx d = {.app = app};
    enum yz_err e = yz_store_write(app->store, demo_teams_tx, &d);
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan init: demo team %s: %s", d.step ? d.step : "-", yz_err_code(e));
        for (int k = 0; k < d.fe.count; k++)
            fprintf(stderr, " [%s: %s]", d.fe.items[k].field, d.fe.items[k].message);
        fputc('\n', stderr);
        return false;
    }
    printf("demo teams at 渝0103: 速裁一组, 速裁二组 (fast-track), 民事审判一组 (ordinary)\n");
    return true;
}

/* Ids of the demo accounts as created, by login. */
static int64_t demo_ids[sizeof accounts / sizeof accounts[0]];

static int64_t demo_user_id(const char *login)
{
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        const char *l = accounts[i].phone ? accounts[i].phone : accounts[i].username;
        if (strcmp(l, login) == 0)
            return demo_ids[i];
    }
    return 0;
}

bool yz_demo_create(struct yz_app *app)
{
    printf("demo accounts (password %s):\n", YZ_DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) {
        const struct demo_account *a = &accounts[i];
        const struct yz_court *court = a->court ? yz_courts_find_code(&app->courts, a->court) : NULL;
        struct yz_account_input in = {
            .role = a->role, .person_kind = a->person_kind, .name = a->name, .phone = a->phone,
            .username = a->username, .password = YZ_DEMO_PASSWORD, .citizen_id = a->citizen_id,
            .credit_code = a->credit_code, .legal_rep = a->legal_rep, .licence_no = a->licence_no,
            .firm = a->firm, .court_id = court ? court->id : 0,
        };
        struct yz_account_prepared p;
        struct yz_field_errors fe = {0};
        enum yz_err e = yz_account_prepare(app, &in, &p, &fe);
        bool prepared = e == YZ_OK;
        if (prepared)
            e = yz_account_insert_as_system(app, &p, &demo_ids[i]);
        if (e != YZ_OK) {
            fprintf(stderr, "yizhan init: demo account %s: %s", a->name, yz_err_code(e));
            for (int k = 0; k < fe.count; k++)
                fprintf(stderr, " [%s: %s]", fe.items[k].field, fe.items[k].message);
            fputc('\n', stderr);
            if (prepared)
                yz_account_prepared_release(&p);
            return false;
        }
        printf("  %-16s %-22s login %-16s%s%s\n", a->role, a->name, a->phone ? a->phone : a->username,
               p.totp_secret[0] ? " totp secret " : "", p.totp_secret);
        yz_account_prepared_release(&p);
    }
    return demo_roster(app) && demo_teams_create(app);
}
