// Fee relief (诉讼费用缓交、减交、免交; workflow data/workflows/fee_relief.json):
// an application is a matter of kind fee_relief whose data holds the
// submitted fields (case_matter_id, relief, ground, amount_fen, reason) and
// the court's decision (approved_amount_fen, note, reasons). The choices and
// their titles are the workflow's own.
import { api } from './client'
import { workflows } from './workflows'
import type { Matter } from './types'

export interface Choice { value: string; title: string }

interface FieldDef { name: string; values?: (string | Choice)[] }

/** The choices of one enum field of the submit event ("relief", "ground"). */
export async function reliefChoices(field: string): Promise<Choice[]> {
  const wf = (await workflows()).find((w) => w.kind === 'fee_relief')
  const ev = wf?.events.find((e) => e.name === 'submit') as { fields?: FieldDef[] } | undefined
  const f = ev?.fields?.find((x) => x.name === field)
  return (f?.values ?? []).map((v) => (typeof v === 'string' ? { value: v, title: v } : v))
}

/** The signed-in account's relief applications for one case (at most 50 looked at),
 *  in full: the list names each one's case, so only this case's are read. */
export async function reliefsFor(caseId: number): Promise<Matter[]> {
  const list = (await api.get<{ items: Matter[] }>('/matters', { kind: 'fee_relief', limit: 50 })).items
  const mine = list.filter((m) => m.fee_relief?.case_matter_id === caseId)
  return Promise.all(mine.map((m) => api.get<Matter>(`/matters/${m.id}`)))
}
