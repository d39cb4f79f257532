// The workflow definitions (GET /workflows), loaded once per sign-in: the
// titles of events and states that make the history readable.
import { api } from './client'
import type { Workflow } from './types'

/** Fires a workflow event on the page's matter with an Idempotency-Key; throws ApiError when refused. */
export type FireEvent = (event: string, fields: Record<string, unknown>, key: string) => Promise<void>

let cache: Promise<Workflow[]> | null = null

export function workflows(): Promise<Workflow[]> {
  cache ??= api.get<{ items: Workflow[] }>('/workflows').then((r) => r.items).catch((e) => {
    cache = null
    throw e
  })
  return cache
}

export async function eventTitle(kind: string, event: string | undefined): Promise<string> {
  const wf = (await workflows()).find((w) => w.kind === kind)
  return wf?.events.find((e) => e.name === event)?.title ?? event ?? ''
}

export async function stateTitle(kind: string, state: string | null | undefined): Promise<string> {
  if (!state) return ''
  const wf = (await workflows()).find((w) => w.kind === kind)
  return wf?.states.find((s) => s.name === state)?.title ?? state
}
