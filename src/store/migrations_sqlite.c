/*
 * The SQLite schema, as migrations. Conventions: times are UTC milliseconds
 * (INTEGER, suffix _at); money is integer fen (suffix _fen); personal data is
 * sealed (suffix _enc) and found through keyed hashes (suffix _hash);
 * uniqueness lives in constraints so that races become conflicts.
 */
#include "store/migrations.h"

static const struct yz_migration migrations[] = {
    {1, "spine",
     /* Courts: the hierarchy decides what a supervisor sees. */
     "CREATE TABLE courts ("
     " id INTEGER PRIMARY KEY,"
     " local_id TEXT NOT NULL UNIQUE,"
     " code TEXT UNIQUE," /* case-number code (渝0103); NULL until known */
     " name TEXT NOT NULL UNIQUE,"
     " level TEXT NOT NULL CHECK (level IN ('supreme','high','intermediate','basic')),"
     " special INTEGER NOT NULL DEFAULT 0,"
     " parent_id INTEGER REFERENCES courts(id),"
     " seat TEXT);"

     /* Accounts. Parties and lawyers log in by phone (found by phone_hash),
      * staff by username. Citizen IDs and phones are sealed. */
     "CREATE TABLE users ("
     " id INTEGER PRIMARY KEY,"
     " role TEXT NOT NULL,"
     " court_id INTEGER REFERENCES courts(id),"
     " username TEXT UNIQUE,"
     " phone_hash TEXT UNIQUE,"
     " phone_enc TEXT,"
     " name TEXT NOT NULL,"
     " person_kind TEXT NOT NULL CHECK (person_kind IN ('natural','legal','other','staff')),"
     " citizen_id_hash TEXT UNIQUE,"
     " citizen_id_enc TEXT,"
     " credit_code TEXT,"
     " legal_rep TEXT,"
     " licence_no TEXT UNIQUE,"
     " firm TEXT,"
     " password_hash TEXT NOT NULL,"
     " totp_secret_enc TEXT,"
     " totp_last_step INTEGER NOT NULL DEFAULT 0,"
     " failed_logins INTEGER NOT NULL DEFAULT 0,"
     " locked_until INTEGER NOT NULL DEFAULT 0,"
     " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),"
     " created_at INTEGER NOT NULL,"
     " CHECK ((person_kind = 'staff') = (court_id IS NOT NULL)),"
     " CHECK (username IS NOT NULL OR phone_hash IS NOT NULL));"

     /* Sessions: only a hash of the token is stored. */
     "CREATE TABLE sessions ("
     " token_hash TEXT PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id),"
     " kind TEXT NOT NULL CHECK (kind IN ('cookie','bearer')),"
     " csrf_token TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " last_seen_at INTEGER NOT NULL,"
     " idle_ms INTEGER NOT NULL,"
     " expires_at INTEGER NOT NULL,"
     " reauth_at INTEGER NOT NULL,"
     " revoked_at INTEGER);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     /* Login throttling by the keyed hash of the login name, known or not,
      * so that lockout behaves the same for unknown accounts (no enumeration). */
     "CREATE TABLE login_throttle ("
     " login_hash TEXT PRIMARY KEY,"
     " failures INTEGER NOT NULL,"
     " locked_until INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"

     /* Matters: anything with a lifecycle. State and data are projections of
      * the matter's events. */
     "CREATE TABLE matters ("
     " id INTEGER PRIMARY KEY,"
     " kind TEXT NOT NULL,"
     " state TEXT NOT NULL,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " title TEXT NOT NULL,"
     " channel TEXT NOT NULL,"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " version INTEGER NOT NULL,"
     " data TEXT NOT NULL DEFAULT '{}');"
     "CREATE INDEX matters_court ON matters(court_id, kind, state);"
     "CREATE TABLE matter_participants ("
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " user_id INTEGER NOT NULL REFERENCES users(id),"
     " capacity TEXT NOT NULL,"
     " PRIMARY KEY (matter_id, user_id));"
     "CREATE INDEX participants_user ON matter_participants(user_id);"
     "CREATE TABLE deadlines ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " name TEXT NOT NULL,"
     " start_date TEXT NOT NULL,"
     " due_date TEXT NOT NULL,"
     " unit TEXT NOT NULL,"
     " n INTEGER NOT NULL,"
     " beyond_calendar INTEGER NOT NULL DEFAULT 0,"
     " stopped_at INTEGER,"
     " UNIQUE (matter_id, name));"
     "CREATE INDEX deadlines_due ON deadlines(stopped_at, due_date);"

     /* The history: append-only and hash-chained. stream names what the event
      * is about ('matter/12', 'user/3', 'security'). */
     "CREATE TABLE events ("
     " id INTEGER PRIMARY KEY,"
     " stream TEXT NOT NULL,"
     " stream_seq INTEGER NOT NULL,"
     " type TEXT NOT NULL,"
     " actor_id INTEGER,"
     " on_behalf_of INTEGER,"
     " channel TEXT NOT NULL,"
     " at INTEGER NOT NULL,"
     " payload TEXT NOT NULL,"
     " prev_hash BLOB NOT NULL,"
     " hash BLOB NOT NULL,"
     " sig BLOB NOT NULL,"
     " UNIQUE (stream, stream_seq));"
     "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
     " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
     "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
     " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
     /* Signed checkpoints every N events, and the signed head of the chain
      * after every write, so that removing the newest events is detected. */
     "CREATE TABLE checkpoints ("
     " id INTEGER PRIMARY KEY,"
     " event_id INTEGER NOT NULL,"
     " hash BLOB NOT NULL,"
     " at INTEGER NOT NULL,"
     " public_key BLOB NOT NULL,"
     " signature BLOB NOT NULL);"
     "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints"
     " BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
     "CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints"
     " BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;"
     "CREATE TABLE chain_head ("
     " id INTEGER PRIMARY KEY CHECK (id = 1),"
     " event_id INTEGER NOT NULL,"
     " hash BLOB NOT NULL,"
     " signature BLOB NOT NULL);"

     /* Idempotency keys, scoped to the user. */
     "CREATE TABLE idempotency ("
     " user_id INTEGER NOT NULL,"
     " key TEXT NOT NULL,"
     " route TEXT NOT NULL,"
     " request_hash TEXT NOT NULL,"
     " status INTEGER NOT NULL,"
     " response TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " PRIMARY KEY (user_id, key));"
     "CREATE INDEX idempotency_age ON idempotency(created_at);"},

    {2, "filing",
     /* Case numbers: one counter per court, year and type code, advanced in
      * the registering transaction, so numbers are unique and gap-free. */
     "CREATE TABLE case_sequences ("
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " year INTEGER NOT NULL,"
     " type_code TEXT NOT NULL,"
     " last INTEGER NOT NULL,"
     " PRIMARY KEY (court_id, year, type_code));"
     "CREATE TABLE cases ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL UNIQUE REFERENCES matters(id),"
     " case_number TEXT NOT NULL UNIQUE,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " year INTEGER NOT NULL,"
     " type_code TEXT NOT NULL,"
     " seq INTEGER NOT NULL,"
     " cause_revision INTEGER,"
     " cause_code TEXT,"
     " query_code_hash TEXT NOT NULL,"
     " fee_fen INTEGER,"
     " registered_at INTEGER NOT NULL,"
     " UNIQUE (court_id, year, type_code, seq));"
     "CREATE INDEX matters_kind_state ON matters(kind, state, court_id, created_at);"
     /* Notifications go through an outbox written in the same transaction as
      * the event that caused them; senders (inbox, SMS, e-mail) deliver later. */
     "CREATE TABLE outbox ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER REFERENCES matters(id),"
     " recipient_user_id INTEGER REFERENCES users(id),"
     " recipient_court_id INTEGER REFERENCES courts(id),"
     " channel TEXT NOT NULL CHECK (channel IN ('inbox','sms','email')),"
     " template TEXT NOT NULL,"
     " payload TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " sent_at INTEGER,"
     " read_at INTEGER,"
     " attempts INTEGER NOT NULL DEFAULT 0,"
     " last_error TEXT,"
     " CHECK (recipient_user_id IS NOT NULL OR recipient_court_id IS NOT NULL));"
     "CREATE INDEX outbox_user ON outbox(recipient_user_id, id);"
     "CREATE INDEX outbox_court ON outbox(recipient_court_id, id);"
     "CREATE INDEX outbox_pending ON outbox(sent_at, channel);"},

    {3, "attachments",
     /* Uploaded files: the bytes live content-addressed on disk
      * (uploads/sha256/<2>/<hex>); a row per upload says who, what, when and
      * for which matter. name is the sanitised display name, never a path. */
     "CREATE TABLE attachments ("
     " id INTEGER PRIMARY KEY,"
     " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
     " size INTEGER NOT NULL CHECK (size > 0),"
     " mime TEXT NOT NULL,"
     " name TEXT NOT NULL,"
     " kind TEXT,"
     " title TEXT,"
     " uploader_id INTEGER NOT NULL REFERENCES users(id),"
     " matter_id INTEGER REFERENCES matters(id),"
     " channel TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX attachments_sha256 ON attachments(sha256);"
     "CREATE INDEX attachments_matter ON attachments(matter_id, id) WHERE matter_id IS NOT NULL;"
     "CREATE INDEX attachments_uploader ON attachments(uploader_id, created_at);"},

    {4, "payments",
     /* Fee payments and refunds: a ledger per matter. Every change of a row is
      * also an event on the matter's stream; the row is the projection. */
     "CREATE TABLE payments ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " kind TEXT NOT NULL CHECK (kind IN ('payment','refund')),"
     " method TEXT NOT NULL CHECK (method IN ('window','online')),"
     " amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),"
     " status TEXT NOT NULL CHECK (status IN ('pending','paid','cancelled')),"
     " order_no TEXT NOT NULL UNIQUE,"
     " receipt_no TEXT,"
     " gateway_ref TEXT UNIQUE,"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL,"
     " paid_at INTEGER);"
     "CREATE INDEX payments_matter ON payments(matter_id, id);"},

    {5, "filing_batches",
     /* Bulk filing: one row per uploaded batch, found again by the SHA-256 of
      * its content (court, template, table) so that re-uploading it creates
      * nothing twice; the per-row report (no personal data) is kept as JSON. */
     "CREATE TABLE filing_batches ("
     " id INTEGER PRIMARY KEY,"
     " user_id INTEGER NOT NULL REFERENCES users(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
     " title TEXT NOT NULL,"
     " created_at INTEGER NOT NULL,"
     " row_count INTEGER NOT NULL CHECK (row_count >= 0),"
     " accepted INTEGER NOT NULL CHECK (accepted >= 0),"
     " rejected INTEGER NOT NULL CHECK (rejected >= 0),"
     " report TEXT NOT NULL,"
     " CHECK (accepted + rejected = row_count),"
     " UNIQUE (user_id, sha256));"},

    {6, "roster",
     /* The roster of invited mediation (src/mediation/roster.h): organisations
      * and mediators on a court's roster, training records and named studios.
      * Lists (specialties as 2025 cause codes, languages) are JSON arrays.
      * Every change of a row is also an event ("org/<id>", "mediator/<id>").
      * A mediator's matters are found through matter_participants (capacity
      * 'mediator', indexed by user), not through the matters' JSON data. */
     "CREATE TABLE mediation_orgs ("
     " id INTEGER PRIMARY KEY,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " name TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN"
     " ('people','industry','professional','arbitration','notary','lawyer')),"
     " admin_user_id INTEGER UNIQUE REFERENCES users(id),"
     " region TEXT NOT NULL,"
     " phone TEXT,"
     " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " UNIQUE (court_id, name));"
     "CREATE TABLE mediators ("
     " id INTEGER PRIMARY KEY,"
     " user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),"
     " org_id INTEGER REFERENCES mediation_orgs(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " name TEXT NOT NULL,"
     " specialties TEXT NOT NULL DEFAULT '[]',"
     " languages TEXT NOT NULL DEFAULT '[]',"
     " capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 200),"
     " available INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),"
     " qualifications TEXT,"
     " status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended')),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL);"
     "CREATE INDEX mediators_court ON mediators(court_id, status);"
     "CREATE INDEX mediators_org ON mediators(org_id) WHERE org_id IS NOT NULL;"
     "CREATE TABLE mediator_training ("
     " id INTEGER PRIMARY KEY,"
     " mediator_id INTEGER NOT NULL REFERENCES mediators(id),"
     " date TEXT NOT NULL,"
     " title TEXT NOT NULL,"
     " hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 1000),"
     " created_at INTEGER NOT NULL,"
     " UNIQUE (mediator_id, date, title));"
     "CREATE TABLE studios ("
     " id INTEGER PRIMARY KEY,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " org_id INTEGER REFERENCES mediation_orgs(id),"
     " mediator_id INTEGER REFERENCES mediators(id),"
     " name TEXT NOT NULL,"
     " description TEXT,"
     " created_at INTEGER NOT NULL,"
     " CHECK ((org_id IS NULL) <> (mediator_id IS NULL)),"
     " UNIQUE (court_id, name));"
     "CREATE INDEX studios_org ON studios(org_id) WHERE org_id IS NOT NULL;"
     "CREATE INDEX studios_mediator ON studios(mediator_id) WHERE mediator_id IS NOT NULL;"},

    {7, "outbox_delivery",
     /* E-mail and SMS delivery (src/notify): the sealed recipient address
      * (context "outbox.email" or "outbox.sms"), the e-mail subject, and when
      * the sender may try next. A row is pending while sent_at IS NULL and
      * next_attempt_at IS NOT NULL; the sender gives up by clearing
      * next_attempt_at (failed). Inbox rows never have next_attempt_at. */
     "ALTER TABLE outbox ADD COLUMN address_enc TEXT;"
     "ALTER TABLE outbox ADD COLUMN subject TEXT;"
     "ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;"
     "UPDATE outbox SET next_attempt_at = created_at"
     " WHERE channel IN ('sms','email') AND sent_at IS NULL;"
     "CREATE INDEX outbox_due ON outbox(next_attempt_at, channel)"
     " WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL;"
     /* The court admin's view walks a court's matters to their messages. */
     "CREATE INDEX outbox_matter ON outbox(matter_id, id) WHERE matter_id IS NOT NULL;"
     /* A person's notification e-mail address, sealed ("users.email") and
      * found through the keyed lookup hash of its normalised form. */
     "ALTER TABLE users ADD COLUMN email_enc TEXT;"
     "ALTER TABLE users ADD COLUMN email_hash TEXT;"
     "CREATE INDEX users_email ON users(email_hash) WHERE email_hash IS NOT NULL;"},

    {8, "mediation_room",
     /* The mediation room: messages (joint when recipient_id is NULL, else
      * private between a party and the mediator) and scheduled sessions. The
      * history holds each message's SHA-256; the text lives here. */
     "CREATE TABLE mediation_messages ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " sender_id INTEGER NOT NULL REFERENCES users(id),"
     " recipient_id INTEGER REFERENCES users(id),"
     " text TEXT NOT NULL,"
     " sha256 TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX mediation_messages_matter ON mediation_messages(matter_id, id);"
     "CREATE TABLE mediation_sessions ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " starts_at INTEGER NOT NULL,"
     " mode TEXT NOT NULL CHECK (mode IN ('online','onsite')),"
     " place TEXT NOT NULL,"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX mediation_sessions_matter ON mediation_sessions(matter_id, starts_at);"},

    {9, "class_cases",
     /* Class cases (类案, src/classes/classes.h): groups of one court's
      * registered cases with the same plaintiff (plaintiff_hash: the keyed
      * lookup hash of the plaintiffs' identities, set by the first member)
      * and cause, handled together. A case is in at most one group (the
      * member's primary key); the demonstration case (示范案件) is a member.
      * Every change is also an event on the stream "case_group/<id>". */
     "CREATE TABLE case_groups ("
     " id INTEGER PRIMARY KEY,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " name TEXT NOT NULL,"
     " cause_code TEXT NOT NULL,"
     " criteria TEXT NOT NULL,"
     " plaintiff_hash TEXT,"
     " demonstration_matter_id INTEGER REFERENCES matters(id),"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " UNIQUE (court_id, name));"
     "CREATE TABLE case_group_members ("
     " matter_id INTEGER PRIMARY KEY REFERENCES cases(matter_id),"
     " group_id INTEGER NOT NULL REFERENCES case_groups(id),"
     " added_by INTEGER NOT NULL REFERENCES users(id),"
     " added_at INTEGER NOT NULL);"
     "CREATE INDEX case_group_members_group ON case_group_members(group_id, matter_id);"},
    {10, "assignment",
     /* Case assignment (src/assignment): trial teams per court with their
      * members, recusals (judge x case), the assignment of each case (one
      * current row per matter; a redraw or designation ends the previous
      * one) and the sealed seed committed for a matter's next draw. Every
      * change is also an event ("team/<id>", "matter/<id>"). */
     "CREATE TABLE teams ("
     " id INTEGER PRIMARY KEY,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " name TEXT NOT NULL,"
     " kind TEXT NOT NULL CHECK (kind IN ('fast_track','ordinary')),"
     " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
     " created_at INTEGER NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " UNIQUE (court_id, name));"
     "CREATE TABLE team_members ("
     " team_id INTEGER NOT NULL REFERENCES teams(id),"
     " user_id INTEGER NOT NULL REFERENCES users(id),"
     " role TEXT NOT NULL CHECK (role IN ('judge','assistant','clerk','mediator')),"
     " added_at INTEGER NOT NULL,"
     " PRIMARY KEY (team_id, user_id));"
     "CREATE INDEX team_members_user ON team_members(user_id);"
     "CREATE TABLE recusals ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " judge_id INTEGER NOT NULL REFERENCES users(id),"
     " kind TEXT NOT NULL CHECK (kind IN ('self_declared','party_application','relationship')),"
     " reason TEXT NOT NULL,"
     " recorded_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL,"
     " UNIQUE (matter_id, judge_id));"
     "CREATE TABLE assignments ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " team_id INTEGER REFERENCES teams(id),"
     " judge_id INTEGER NOT NULL REFERENCES users(id),"
     " method TEXT NOT NULL CHECK (method IN ('draw','designation')),"
     " event_id INTEGER NOT NULL,"
     " assigned_at INTEGER NOT NULL,"
     " ended_at INTEGER);"
     "CREATE UNIQUE INDEX assignments_current ON assignments(matter_id) WHERE ended_at IS NULL;"
     "CREATE INDEX assignments_court ON assignments(court_id, judge_id, method);"
     "CREATE INDEX assignments_open ON assignments(court_id, ended_at);"
     "CREATE INDEX assignments_team ON assignments(team_id) WHERE team_id IS NOT NULL;"
     "CREATE TABLE draw_seeds ("
     " matter_id INTEGER PRIMARY KEY REFERENCES matters(id),"
     " seed_enc TEXT NOT NULL,"
     " seed_hash TEXT NOT NULL CHECK (length(seed_hash) = 64),"
     " commit_event_id INTEGER NOT NULL);"},
    {11, "judge_conflicts",
     /* Configured relationships (利害关系) of judges (src/assignment/conflicts.c):
      * a party by name or credit code, a law firm, a lawyer's licence, with the
      * reason; removed ones keep their row (removed_at). Every change is also
      * an event on "judge/<id>". */
     "CREATE TABLE judge_conflicts ("
     " id INTEGER PRIMARY KEY,"
     " judge_id INTEGER NOT NULL REFERENCES users(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " kind TEXT NOT NULL CHECK (kind IN"
     " ('party_name','credit_code','law_firm','lawyer_licence')),"
     " value TEXT NOT NULL,"
     " reason TEXT NOT NULL,"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL,"
     " removed_at INTEGER);"
     "CREATE UNIQUE INDEX judge_conflicts_active ON judge_conflicts(judge_id, kind, value)"
     " WHERE removed_at IS NULL;"},

    {12, "triage",
     /* Triage (繁简分流). Party keys: keyed hashes of the identities of a
      * registered case's plaintiffs and defendants, to find related and
      * repeat cases of the court without storing identities. Proposals: every
      * proposal made (at registration, after amended features), with the
      * features and reasons; the rules each cited, for the agreement report.
      * Decisions: the officer's choice against the proposal, and conversions
      * (简转繁). */
     "CREATE TABLE triage_party_keys ("
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " role TEXT NOT NULL CHECK (role IN ('plaintiff','defendant')),"
     " key_hash TEXT NOT NULL,"
     " PRIMARY KEY (matter_id, role, key_hash));"
     "CREATE INDEX triage_party_keys_hash ON triage_party_keys(court_id, key_hash);"
     "CREATE TABLE triage_proposals ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " rules_version INTEGER NOT NULL,"
     " category TEXT NOT NULL,"
     " track TEXT NOT NULL,"
     " trial_track TEXT NOT NULL,"
     " score INTEGER NOT NULL,"
     " features TEXT NOT NULL,"
     " feature_sources TEXT NOT NULL,"
     " reasons TEXT NOT NULL,"
     " created_by INTEGER NOT NULL REFERENCES users(id),"
     " created_at INTEGER NOT NULL);"
     "CREATE INDEX triage_proposals_matter ON triage_proposals(matter_id, id);"
     "CREATE TABLE triage_proposal_rules ("
     " proposal_id INTEGER NOT NULL REFERENCES triage_proposals(id),"
     " rule_id TEXT NOT NULL,"
     " PRIMARY KEY (proposal_id, rule_id));"
     "CREATE TABLE triage_decisions ("
     " id INTEGER PRIMARY KEY,"
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " proposal_id INTEGER REFERENCES triage_proposals(id),"
     " kind TEXT NOT NULL CHECK (kind IN ('triage','conversion')),"
     " proposed_track TEXT,"
     " decided_track TEXT NOT NULL,"
     " agreed INTEGER CHECK (agreed IN (0,1)),"
     " reason TEXT,"
     " decided_by INTEGER NOT NULL REFERENCES users(id),"
     " decided_at INTEGER NOT NULL);"
     "CREATE INDEX triage_decisions_court ON triage_decisions(court_id, decided_at);"
     "CREATE INDEX triage_decisions_matter ON triage_decisions(matter_id, id);"},
    {13, "rollups",
     /* Dashboard counters (src/stats/rollup.h): matter events per court, day
      * (Asia/Shanghai), kind, event, state before and after, channel and
      * whole days to a filing's decision; kept in each event's transaction,
      * filled here from the history as `yizhan rollup rebuild` does. */
     "CREATE TABLE rollup_daily ("
     " court_id INTEGER NOT NULL,"
     " day TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " event TEXT NOT NULL,"
     " from_state TEXT NOT NULL,"
     " state TEXT NOT NULL,"
     " channel TEXT NOT NULL,"
     " days INTEGER NOT NULL,"
     " n INTEGER NOT NULL,"
     " PRIMARY KEY (court_id, day, kind, event, from_state, state, channel, days)) WITHOUT ROWID;"
     "INSERT INTO rollup_daily(court_id, day, kind, event, from_state, state, channel, days, n)"
     " SELECT m.court_id, date((e.at + 28800000) / 1000, 'unixepoch'), m.kind,"
     " json_extract(e.payload, '$.event'), coalesce(json_extract(e.payload, '$.from'), ''),"
     " json_extract(e.payload, '$.to'),"
     " coalesce(json_extract(e.payload, '$.fields.channel'), e.channel),"
     " CASE WHEN m.kind = 'filing' AND json_extract(e.payload, '$.to') IN ('registered', 'refused')"
     " AND json_extract(e.payload, '$.from') IS NOT NULL"
     " AND json_extract(e.payload, '$.from') NOT IN ('registered', 'refused')"
     " THEN (e.at - m.created_at) / 86400000 ELSE -1 END, count(*)"
     " FROM events e JOIN matters m ON m.id = CAST(substr(e.stream, 8) AS INTEGER)"
     " WHERE e.stream LIKE 'matter/%' AND json_extract(e.payload, '$.to') IS NOT NULL"
     " AND e.type = m.kind || '.' || json_extract(e.payload, '$.event')"
     " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;"},
    {14, "rollups_monthly",
     /* The same counters per calendar month (YYYY-MM, Asia/Shanghai), kept
      * with the daily ones in each event's transaction: a dashboard over a
      * long span reads whole months here and only the partial months at its
      * ends from rollup_daily (a year of a busy court is some 12 x 40 rows
      * instead of 365 x 40). Filled from the daily counters. */
     "CREATE TABLE rollup_monthly ("
     " court_id INTEGER NOT NULL,"
     " month TEXT NOT NULL,"
     " kind TEXT NOT NULL,"
     " event TEXT NOT NULL,"
     " from_state TEXT NOT NULL,"
     " state TEXT NOT NULL,"
     " channel TEXT NOT NULL,"
     " days INTEGER NOT NULL,"
     " n INTEGER NOT NULL,"
     " PRIMARY KEY (court_id, month, kind, event, from_state, state, channel, days)) WITHOUT ROWID;"
     "INSERT INTO rollup_monthly(court_id, month, kind, event, from_state, state, channel, days, n)"
     " SELECT court_id, substr(day, 1, 7), kind, event, from_state, state, channel, days, sum(n)"
     " FROM rollup_daily GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;"},
    {15, "fee_reliefs",
     /* Fee relief applications (诉讼费用缓交、减交、免交) as they stand, one row
      * each, by the case they are for (src/payments/ledger.h): what was asked,
      * the application's state and what the court granted. Kept by the effect
      * apply_fee_relief from the event fee.relief it records on the case's
      * history; filled here from the latest such event of each application,
      * so the table can always be rebuilt from the history. */
     "CREATE TABLE fee_reliefs ("
     " relief_matter_id INTEGER PRIMARY KEY REFERENCES matters(id),"
     " case_matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " relief TEXT NOT NULL CHECK (relief IN ('defer','reduce','waive')),"
     " state TEXT NOT NULL,"
     " applied TEXT CHECK (applied IN ('defer','reduce','waive')),"
     " amount_fen INTEGER CHECK (amount_fen >= 0),"
     " deferred_until TEXT,"
     " updated_at INTEGER NOT NULL,"
     " CHECK ((applied = 'reduce') = (amount_fen IS NOT NULL)),"
     " CHECK ((applied = 'defer') = (deferred_until IS NOT NULL)));"
     "CREATE INDEX fee_reliefs_case ON fee_reliefs(case_matter_id, relief_matter_id);"
     "INSERT INTO fee_reliefs(relief_matter_id, case_matter_id, relief, state, applied,"
     " amount_fen, deferred_until, updated_at)"
     " SELECT json_extract(e.payload, '$.relief_matter_id'), CAST(substr(e.stream, 8) AS INTEGER),"
     " json_extract(e.payload, '$.relief'), json_extract(e.payload, '$.state'),"
     " json_extract(e.payload, '$.applied'), json_extract(e.payload, '$.amount_fen'),"
     " json_extract(e.payload, '$.deferred_until'), e.at"
     " FROM events e WHERE e.id IN (SELECT max(id) FROM events WHERE type = 'fee.relief'"
     " AND stream LIKE 'matter/%' GROUP BY json_extract(payload, '$.relief_matter_id'));"},
    {16, "court_settings",
     /* A court's own business settings (src/settings/settings.h), set by its
      * court admin at run time; each change is a "settings.changed" event on
      * "court/<id>". A key without a row here takes the configuration's value. */
     "CREATE TABLE court_settings ("
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " key TEXT NOT NULL,"
     " value TEXT NOT NULL,"
     " updated_at INTEGER NOT NULL,"
     " updated_by INTEGER NOT NULL REFERENCES users(id),"
     " PRIMARY KEY (court_id, key)) WITHOUT ROWID;"},
    {17, "knowledge_base",
     /* The 12368 knowledge base (法律问答, src/kb/kb.h): question and answer
      * pairs, seeded by `yizhan init` from data/kb_lecoqa.jsonl (source_id is
      * the file's id, so a second import adds nothing). kb_fts indexes them
      * with the CJK bigram tokenizer (src/store/fts_cjk.h), as an external-
      * content table: the text is stored once, in kb_entries, and the code
      * that inserts an entry adds its index row in the same transaction. */
     "CREATE TABLE kb_entries ("
     " id INTEGER PRIMARY KEY,"
     " source_id TEXT NOT NULL UNIQUE,"
     " source TEXT NOT NULL,"
     " question TEXT NOT NULL,"
     " answer TEXT NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE VIRTUAL TABLE kb_fts USING fts5(question, answer, content='kb_entries',"
     " content_rowid='id', tokenize='yizhan_cjk');"},
    {18, "matter_summaries",
     /* What a list shows of a matter's application without parsing its
      * projection: the review queue read the cause and the amount with
      * json_extract over every row's whole data (1.6 ms of CPU for 200
      * filings). matters.c writes them with data; NULL without an application.
      * The queue reads only its covering index: the filings waiting for a
      * decision, in the order the queue lists them (first come, first served). */
     "ALTER TABLE matters ADD COLUMN cause_name TEXT;"
     "ALTER TABLE matters ADD COLUMN amount_fen INTEGER;"
     "UPDATE matters SET cause_name = json_extract(data, '$.application.cause_name'),"
     " amount_fen = json_extract(data, '$.application.amount_fen')"
     " WHERE json_type(data, '$.application') = 'object';"
     "CREATE INDEX matters_filing_queue ON matters(court_id, created_at, id, state, title, channel,"
     " version, cause_name, amount_fen, kind)"
     " WHERE kind = 'filing' AND state IN ('submitted', 'correction_requested');"},
    {19, "triage_party_keys_lookup",
     /* Triage's related and repeat cases (src/triage/features.c) count in SQL
      * the earlier matters naming a party's key: the index holds everything
      * those counts read (the role and the matter beside the key), so a
      * registration reads at most a thousand index entries per count and no
      * table rows. It serves every lookup the old (court_id, key_hash) index did. */
     "CREATE INDEX triage_party_keys_lookup ON triage_party_keys(court_id, key_hash, role,"
     " matter_id);"
     "DROP INDEX triage_party_keys_hash;"},
    {20, "outbox_indexes",
     /* Every notice paid for five index entries; it needs two or three.
      * outbox_pending has served no query since migration 7 (the sender reads
      * outbox_due). The inbox lists are the only readers by recipient, always
      * of channel 'inbox' for one account or one court, so those indexes hold
      * inbox rows only, and of a court notice only the court. A court notice
      * and an SMS or e-mail each write one index entry fewer per row. */
     "DROP INDEX outbox_pending;"
     "DROP INDEX outbox_user;"
     "DROP INDEX outbox_court;"
     "CREATE INDEX outbox_user ON outbox(recipient_user_id, id)"
     " WHERE channel = 'inbox' AND recipient_user_id IS NOT NULL;"
     "CREATE INDEX outbox_court ON outbox(recipient_court_id, id)"
     " WHERE channel = 'inbox' AND recipient_court_id IS NOT NULL;"},
    {21, "without_rowid",
     /* Two tables whose rowid nobody reads and whose primary key is the
      * natural key were two B-trees each: the rows by a hidden rowid and the
      * key's own index. Without rowid the rows live in the key's B-tree
      * alone: a case writes about 215 bytes fewer (its triage party keys
      * about 200, its participants 14). Their other indexes end in the key
      * instead of the rowid: the same entries. The old table is renamed,
      * copied and dropped (its indexes with it); nothing references either
      * table, and no trigger or view reads them. The key's columns come
      * first: SQLite 3.40's integrity_check misreads a NOT NULL column
      * declared before a key column of a table without rowid ("NULL value
      * in triage_party_keys.court_id" for every row). Every insert names
      * its columns. */
     "ALTER TABLE triage_party_keys RENAME TO triage_party_keys_old;"
     "CREATE TABLE triage_party_keys ("
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " role TEXT NOT NULL CHECK (role IN ('plaintiff','defendant')),"
     " key_hash TEXT NOT NULL,"
     " court_id INTEGER NOT NULL REFERENCES courts(id),"
     " PRIMARY KEY (matter_id, role, key_hash)) WITHOUT ROWID;"
     "INSERT INTO triage_party_keys(matter_id, role, key_hash, court_id)"
     " SELECT matter_id, role, key_hash, court_id FROM triage_party_keys_old;"
     "DROP TABLE triage_party_keys_old;"
     "CREATE INDEX triage_party_keys_lookup ON triage_party_keys(court_id, key_hash, role,"
     " matter_id);"
     "ALTER TABLE matter_participants RENAME TO matter_participants_old;"
     "CREATE TABLE matter_participants ("
     " matter_id INTEGER NOT NULL REFERENCES matters(id),"
     " user_id INTEGER NOT NULL REFERENCES users(id),"
     " capacity TEXT NOT NULL,"
     " PRIMARY KEY (matter_id, user_id)) WITHOUT ROWID;"
     "INSERT INTO matter_participants(matter_id, user_id, capacity)"
     " SELECT matter_id, user_id, capacity FROM matter_participants_old;"
     "DROP TABLE matter_participants_old;"
     "CREATE INDEX participants_user ON matter_participants(user_id);"},
};

/*
 * The plain secondary indexes of the tables `yizhan generate` fills that the
 * import never reads (its inserts check only primary keys and unique
 * constraints, which stay) and that are cheap to build. Written batch by
 * batch, each index adds entries at its own places in every batch: triage's
 * party keys (migration 19) at random places of an index that outgrows any
 * cache (about 200 MB at a million cases), participants by user and
 * deadlines by due date at one place per user or date, so every batch
 * rewrites hundreds of their pages into the WAL and the database. Built once
 * at the end, from their own small tables, the entries are sorted first and
 * every page is written once. Not the indexes of matters: building one reads
 * the whole table (rows of about 2.8 KB: 2.8 GB at a million cases), which
 * at a million cases cost more than keeping them (their entries arrive in
 * id and time order, a few hundred pages per batch: matters_court and
 * matters_kind_state deferred too wrote 9 % less but read 5 GB more and took
 * longer), and matters_filing_queue holds only the filings waiting for a
 * decision, about one in a thousand generated. Each create is the
 * definition the latest migration left (a test compares them).
 */
static const struct yz_deferred_index deferred[] = {
    {"triage_party_keys_lookup", "DROP INDEX IF EXISTS triage_party_keys_lookup",
     "CREATE INDEX IF NOT EXISTS triage_party_keys_lookup ON triage_party_keys(court_id, key_hash,"
     " role, matter_id)"},
    {"participants_user", "DROP INDEX IF EXISTS participants_user",
     "CREATE INDEX IF NOT EXISTS participants_user ON matter_participants(user_id)"},
    {"deadlines_due", "DROP INDEX IF EXISTS deadlines_due",
     "CREATE INDEX IF NOT EXISTS deadlines_due ON deadlines(stopped_at, due_date)"},
};

const struct yz_deferred_index *yz_deferred_indexes_sqlite(size_t *count)
{
    *count = sizeof deferred / sizeof deferred[0];
    return deferred;
}

const struct yz_migration *yz_migrations_sqlite(size_t *count)
{
    *count = sizeof migrations / sizeof migrations[0];
    return migrations;
}

int yz_store_schema_latest(void)
{
    size_t n;
    const struct yz_migration *m = yz_migrations_sqlite(&n);
    return m[n - 1].version;
}
