// Shapes of the mediation answers (room, roster, workload) and small helpers
// the mediation pages share. The OpenAPI document is the full reference.
import type { Matter } from './types'

export interface RoomMember {
  user_id: number
  name: string
  capacity: string
}

export interface RoomMessage {
  id: number
  sender_id: number
  to: number | null
  text: string
  created_at: string
}

export interface RoomSession {
  id: number
  starts_at: string
  mode: 'online' | 'onsite'
  place: string
}

export interface Agreement {
  terms: { terms: string[]; amount_fen?: number; performance_date?: string }
  text: string
  confirmations: { user_id: number; at: string }[]
  effective_date?: string
}

export interface Recommendation {
  mediator_id: number
  name: string
  org_name?: string
  score: number
  running: number
  capacity: number
  reason: string
}

export interface Workload {
  intake: number
  running: number
  decided: number
  succeeded: number
  success_rate_pct: number | null
  average_days: number | null
  overdue: number
  confirmed: number
  confirmation_rate_pct: number | null
  capacity?: number
  load_pct?: number
}

export interface MyRoster {
  mediators: { id: number; name: string; court_id: number; org_id: number | null; org_name: string | null; available: boolean; status: string }[]
  orgs: { id: number; name: string; court_id: number; status: string }[]
}

/** States in which the mediator may still act (the room is open). */
export const OPEN_STATES = ['mediating', 'agreement_pending']

export function agreementOf(m: Matter | null): Agreement | null {
  return (m?.data?.agreement as Agreement | undefined) ?? null
}

/** "2030-06-02T09:30" from a datetime-local input → the API's "+08:00" instant. */
export function shanghaiInstant(local: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local
}
