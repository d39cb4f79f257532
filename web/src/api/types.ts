// Shapes of the API's answers that the pages use (the OpenAPI document at
// /api/v1/openapi.json is the full reference).

export type Role =
  | 'party' | 'lawyer' | 'mediator' | 'org_admin' | 'filing_clerk' | 'triage_officer' | 'judge'
  | 'assistant' | 'clerk' | 'service_officer' | 'petition_officer' | 'hotline_agent'
  | 'court_admin' | 'supervisor'

export interface User {
  id: number
  role: Role
  role_title: string
  name: string
  phone?: string
  username?: string
  person_kind?: string
  citizen_id?: string
  court_id?: number
  licence_no?: string
  firm?: string
}

export interface Cause {
  code: string
  name: string
  level: number
  revision: string
  parent: string | null
  child_count: number
  path?: { code: string; name: string; level: number }[]
}

export interface MaterialItem {
  code: string
  name: string
  required: boolean
  note?: string
}

export interface Materials {
  cause: Cause
  title: string
  items: MaterialItem[]
  missing?: MaterialItem[]
}

export interface Court {
  id: number
  code: string
  name: string
  level: string
  parent_id: number | null
}

export interface FeeQuote {
  kind: string
  range: boolean
  fee_fen?: number
  min_fen?: number
  max_fen?: number
  articles: string[]
  steps: string[]
}

export interface Deadline {
  name: string
  start_date: string
  due_date: string
  stopped: boolean
}

export interface Matter {
  id: number
  kind: string
  kind_title: string
  state: string
  state_title: string
  final: boolean
  court: { id: number; name: string }
  title: string
  channel: string
  created_at: string
  updated_at: string
  version: number
  data?: Record<string, any>
  deadlines?: Deadline[]
  actions?: { event: string; title: string }[]
  my_capacity?: string
  /** In lists: a fee-relief application's case (its number once registered) and the relief asked. */
  fee_relief?: { case_matter_id: number; relief: string; case_number?: string }
}

export interface HistoryEvent {
  event_id: number
  seq: number
  type: string
  actor_id: number | null
  channel: string
  at: number
  payload: { event?: string; from?: string | null; to?: string; role?: string; fields?: Record<string, any> }
}

export interface WorkflowEvent {
  name: string
  title: string
}
export interface Workflow {
  kind: string
  title: string
  states: { name: string; title: string }[]
  events: WorkflowEvent[]
}

export interface Attachment {
  id: number
  sha256: string
  size: number
  mime: string
  name: string
  kind?: string
  title?: string
  created_at: string
}

export interface QueueItem {
  id: number
  state: string
  title: string
  channel: string
  submitted_at: string
  due_date?: string
  overdue?: boolean
  cause_name?: string
  amount_fen?: number
}

export interface Notification {
  id: number
  title: string
  body?: string
  matter_id?: number
  created_at: string
  read_at?: string | null
}

export interface ListOf<T> {
  items: T[]
}

/** A rule the triage proposal applied, with its legal basis. */
export interface TriageReason {
  rule: string
  title: string
  basis: string
}

export interface TriageDeadline {
  name: string
  start_date: string
  due_date: string
  overdue: boolean
}

/** GET /triage/queue items: registered cases awaiting a track decision. */
export interface TriageQueueItem {
  id: number
  state: string
  title: string
  version: number
  case_number: string
  registered_at: string
  proposal?: { id: number; track: string; trial_track: string; score: number; reasons: TriageReason[] }
  deadlines: TriageDeadline[]
}

/** GET /matters/{id}/triage: the proposal in full and the decisions taken. */
export interface TriageCase {
  matter_id: number
  court_id: number
  state: string
  version: number
  case_number?: string
  registered_at?: string
  proposal?: { id: number; track: string; trial_track: string; score: number; category: string; created_at: string; reasons: TriageReason[] }
  decisions: {
    id: number
    kind: string
    decided_track: string
    proposed_track?: string
    agreed?: boolean
    reason?: string
    decided_at: string
  }[]
}

/** GET /dashboard: a court's figures over [from, to]. */
export interface Dashboard {
  court_id: number
  from: string
  to: string
  filings_by_channel: { channel: string; count: number }[]
  filings_by_court: { court_id: number; court_name: string; count: number }[]
  decision_days: { count: number; avg: number | null; p50: number | null; p90: number | null }
  overdue_filings: number
  mediation: { concluded: number; succeeded: number; rate: number | null }
  fast_track: { decided: number; fast_track: number; share: number | null }
}
