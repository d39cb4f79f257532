// The filing application as the wizard edits it, and its conversion to the
// API's document (filing_application). Sealed personal data (citizen IDs,
// phones, natural persons' addresses) comes back from the API masked only,
// so a correction asks for it again; the masked form is kept as a hint.
import { toFen } from '../format'

export interface PartyDraft {
  role: 'plaintiff' | 'defendant' | 'third_party'
  kind: 'natural' | 'legal' | 'other'
  name: string
  sex: '' | 'male' | 'female'
  birth_date: string
  ethnicity: string
  citizen_id: string
  credit_code: string
  legal_rep: string
  address: string
  phone: string
  masked: { citizen_id?: string; phone?: string; address?: string }
}

export interface AttachmentDraft {
  id: number
  material: string
  name: string
}

/** An agent (诉讼代理人): a lawyer (licence and firm) or another agent. */
export interface AgentDraft {
  kind: 'lawyer' | 'other'
  name: string
  licence_no: string
  firm: string
  /** index of the party represented, or null until chosen */
  party: number | null
  /** the uploaded power of attorney */
  poa: { id: number; name: string } | null
}

/** One item of the evidence list (证据清单). */
export interface EvidenceDraft {
  name: string
  source: string
  purpose: string
  file: { id: number; name: string } | null
}

export interface ApplicationDraft {
  court_id: number | null
  cause_code: string
  cause_name: string
  cause_revision: number
  case_type: string
  parties: PartyDraft[]
  agents: AgentDraft[]
  evidence: EvidenceDraft[]
  claims: string
  facts: string
  amount: string
  attachments: AttachmentDraft[]
  service: { address: string; phone: string; email: string; e_service_consent: boolean; masked: { address?: string; phone?: string } }
}

export function newParty(role: PartyDraft['role'], name = ''): PartyDraft {
  return {
    role, kind: 'natural', name, sex: '', birth_date: '', ethnicity: '', citizen_id: '', credit_code: '',
    legal_rep: '', address: '', phone: '', masked: {},
  }
}

export function newAgent(party: number | null = 0): AgentDraft {
  return { kind: 'lawyer', name: '', licence_no: '', firm: '', party, poa: null }
}

export function newEvidence(): EvidenceDraft {
  return { name: '', source: '', purpose: '', file: null }
}

export function newApplication(): ApplicationDraft {
  return {
    court_id: null, cause_code: '', cause_name: '', cause_revision: 2025, case_type: '民初',
    parties: [newParty('plaintiff'), newParty('defendant')], agents: [], evidence: [], claims: '', facts: '', amount: '',
    attachments: [], service: { address: '', phone: '', email: '', e_service_consent: true, masked: {} },
  }
}

const put = (o: Record<string, unknown>, k: string, v: string) => {
  if (v.trim()) o[k] = v.trim()
}

/** The API document; empty optional fields are left out so the API names what is missing. */
export function toDocument(d: ApplicationDraft): Record<string, unknown> {
  const parties = d.parties.map((p) => {
    const o: Record<string, unknown> = { role: p.role, kind: p.kind }
    put(o, 'name', p.name)
    put(o, 'address', p.address)
    put(o, 'phone', p.phone)
    if (p.kind === 'natural') {
      put(o, 'sex', p.sex)
      put(o, 'birth_date', p.birth_date)
      put(o, 'ethnicity', p.ethnicity)
      put(o, 'citizen_id', p.citizen_id)
    } else {
      put(o, 'credit_code', p.credit_code)
      put(o, 'legal_rep', p.legal_rep)
    }
    return o
  })
  const agents = d.agents.map((a) => {
    const o: Record<string, unknown> = {}
    put(o, 'name', a.name)
    if (a.kind === 'lawyer') {
      put(o, 'licence_no', a.licence_no)
      put(o, 'firm', a.firm)
    }
    if (a.party !== null) o.party = a.party
    if (a.poa) o.power_of_attorney = a.poa.id
    return o
  })
  const evidence = d.evidence.map((e) => {
    const o: Record<string, unknown> = {}
    put(o, 'name', e.name)
    put(o, 'source', e.source)
    put(o, 'purpose', e.purpose)
    if (e.file) o.attachment = e.file.id
    return o
  })
  const doc: Record<string, unknown> = {
    cause_code: d.cause_code, cause_revision: d.cause_revision, case_type: d.case_type, parties,
    claims: d.claims.trim(), facts: d.facts.trim(),
    attachments: d.attachments.map((a) => ({ id: a.id, material: a.material })),
  }
  if (agents.length) doc.agents = agents
  if (evidence.length) doc.evidence = evidence
  if (d.cause_name) doc.cause_name = d.cause_name
  const fen = d.amount.trim() === '' ? null : toFen(d.amount)
  if (fen !== null) doc.amount_fen = fen
  else if (d.amount.trim() !== '') doc.amount_fen = d.amount.trim() // the API names it as wrong
  const s: Record<string, unknown> = { e_service_consent: d.service.e_service_consent }
  put(s, 'address', d.service.address)
  put(s, 'phone', d.service.phone)
  put(s, 'email', d.service.email)
  doc.service_address = s
  return doc
}

/** A draft from a stored application (for a correction). */
export function fromDocument(a: Record<string, any>, courtId: number): ApplicationDraft {
  const d = newApplication()
  d.court_id = courtId
  d.cause_code = a.cause_code ?? ''
  d.cause_name = a.cause_name ?? ''
  d.cause_revision = a.cause_revision ?? 2025
  d.case_type = a.case_type ?? '民初'
  d.claims = a.claims ?? ''
  d.facts = a.facts ?? ''
  d.amount = typeof a.amount_fen === 'number' ? (a.amount_fen / 100).toFixed(2) : ''
  d.parties = (a.parties ?? []).map((p: Record<string, any>) => ({
    ...newParty(p.role),
    kind: p.kind, name: p.name ?? '', sex: p.sex ?? '', birth_date: p.birth_date ?? '', ethnicity: p.ethnicity ?? '',
    credit_code: p.credit_code ?? '', legal_rep: p.legal_rep ?? '', address: p.address ?? '',
    masked: { citizen_id: p.citizen_id_masked, phone: p.phone_masked, address: p.address_masked },
  }))
  d.agents = (a.agents ?? []).map((x: Record<string, any>) => ({
    kind: x.licence_no ? 'lawyer' : 'other', name: x.name ?? '', licence_no: x.licence_no ?? '', firm: x.firm ?? '',
    party: typeof x.party === 'number' ? x.party : null,
    poa: typeof x.power_of_attorney === 'number' ? { id: x.power_of_attorney, name: `#${x.power_of_attorney}` } : null,
  }))
  d.evidence = (a.evidence ?? []).map((x: Record<string, any>) => ({
    name: x.name ?? '', source: x.source ?? '', purpose: x.purpose ?? '',
    file: typeof x.attachment === 'number' ? { id: x.attachment, name: `#${x.attachment}` } : null,
  }))
  d.attachments = (a.attachments ?? []).map((x: Record<string, any>) => ({ id: x.id, material: x.material, name: `#${x.id}` }))
  const s = a.service_address ?? {}
  d.service = { address: '', phone: '', email: s.email ?? '', e_service_consent: !!s.e_service_consent, masked: { address: s.address_masked, phone: s.phone_masked } }
  return d
}

/** Which wizard step an API field key ("parties.0.name") belongs to. */
export function stepOf(key: string): number {
  const head = key.split('.')[0]
  if (['cause_code', 'cause_revision', 'cause_name', 'case_type', 'court_id', 'title'].includes(head)) return 0
  if (['parties', 'agents'].includes(head)) return 2
  if (['claims', 'facts', 'amount_fen', 'fee_kind'].includes(head)) return 3
  if (['attachments', 'evidence'].includes(head)) return 4
  if (head === 'service_address') return 5
  return 7
}
