// Shapes of the court-staff and institution answers: assignment, teams and
// queues, staff accounts, judges' relationships, the roster's administration
// and bulk filing (the OpenAPI document at /api/v1/openapi.json is the full
// reference).

export interface RunningDeadline {
  name: string
  due_date: string
  overdue: boolean
}

/** One open case of a team's or a judge's queue. */
export interface QueueCase {
  matter_id: number
  title: string
  state: string
  state_title: string
  case_number: string
  track: string | null
  judge_id: number
  judge_name: string
  method: 'draw' | 'designation'
  assigned_at: string
  team_id: number | null
  team_name: string | null
  deadlines: RunningDeadline[]
  overdue: boolean
}

export interface TeamMember {
  user_id: number
  name: string
  role: string
  role_title: string
  open_cases: number
  open_in_team?: number
}

export interface Team {
  id: number
  court_id: number
  name: string
  kind: 'fast_track' | 'ordinary'
  kind_title: string
  active: boolean
  members?: TeamMember[]
}

export interface TeamQueue {
  team: Team
  members: TeamMember[]
  items: QueueCase[]
  open_cases: number
  truncated: boolean
}

export interface MyQueue {
  judge_id: number
  judge_name: string
  open_cases: number
  items: QueueCase[]
  truncated: boolean
}

export interface DrawCandidate {
  judge_id: number
  judge_name: string
  load: number
  weight: number
  team_id: number
  team_name: string
}

export interface DrawExclusion {
  code: string
  judge_id: number
  judge_name: string
  reason: string
  team_id?: number
  team_name?: string
}

/** One entry of a case's assignment history: a draw or a designation. */
export interface AssignmentRecord {
  event_id: number
  method: 'draw' | 'designation'
  at: string
  judge_id: number
  judge_name: string
  team_id?: number
  verified: boolean
  reason?: string
  note?: string
  candidates?: DrawCandidate[]
  exclusions?: DrawExclusion[]
  seed?: string
  commit_event_id?: number
}

export interface Recusal {
  id: number
  judge_id: number
  judge_name: string
  kind: string
  kind_title: string
  reason: string
  recorded_at: string
}

export interface Assignment {
  matter_id: number
  kind: string
  state: string
  team_kind: string | null
  current: {
    judge_id: number
    judge_name: string
    method: 'draw' | 'designation'
    assigned_at: string
    team_id?: number
    team_name?: string
  } | null
  recusals: Recusal[]
  history: AssignmentRecord[]
  verification: {
    draws: number
    designations: number
    ok: boolean
    problems: number
    mismatches: { matter_id: number; event_id: number; problem: string }[]
  }
}

export interface StaffAccount {
  id: number
  username: string
  name: string
  role: string
  role_title: string
  status: string
  created_at: string
  totp_enabled?: boolean
  teams?: { id: number; name: string }[]
}

/** PATCH/POST /staff/{id}…: the account, and after a TOTP reset its new secret (shown once). */
export interface StaffChange extends StaffAccount {
  totp_secret?: string
}

/** One court setting (GET /settings). */
export interface CourtSetting {
  key: string
  title: string
  description: string
  value: string
  entries: { from: string; fen: number }[]
  source: 'court' | 'config' | 'default'
  config_key: string
  config_value: string
  updated_at?: string
  updated_by?: { id: number; name: string }
}

export interface Conflict {
  id: number
  kind: string
  kind_title?: string
  value: string
  reason: string
  created_at?: string
}

export interface RosterOrg {
  id: number
  court_id: number
  name: string
  kind: string
  kind_title: string
  region: string
  phone?: string
  status: string
  mediator_count: number
}

export interface RosterMediator {
  id: number
  name: string
  court_id: number
  org_id: number | null
  org_name?: string | null
  specialties: { code: string; name: string }[]
  languages: string[]
  capacity: number
  available: boolean
  qualifications?: string
  status: string
  training_courses: number
  training_hours: number
  training?: { date: string; title: string; hours: number }[]
}

export interface BatchRow {
  row: number
  line: number
  status: 'accepted' | 'rejected'
  matter_id?: number
  errors?: { field: string; code: string; message: string }[]
  errors_omitted?: number
}

export interface BatchReport {
  id: number
  court_id: number
  title: string
  created_at: string
  rows: number
  accepted: number
  rejected: number
  items: BatchRow[]
}

/** GET /assignment/pending: a case on a trial track that no judge holds. */
export interface PendingCase {
  matter_id: number
  title: string
  state: string
  state_title: string
  track: string
  case_number: string
  registered_at: string
  deadlines: RunningDeadline[]
  overdue: boolean
}

/** GET /filing/batches: one of the caller's batches. */
export interface BatchSummary {
  id: number
  court_id: number
  title: string
  created_at: string
  rows: number
  accepted: number
  rejected: number
}
