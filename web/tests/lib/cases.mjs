// Cases for the browser tests of what comes after filing: the demo party
// 张三 (13800000001) sues for a loan (借款纠纷, cause 108.3) online and the
// filing clerk registers it, both through the API. A staff account's code
// works once per 30 s step, so the callers sign each account in once and
// pass the API clients in.
import assert from 'node:assert/strict'
import { startServer } from './server.mjs'
import { apiLogin } from './api.mjs'

export const PARTY_PHONE = '13800000001'

/** The id of the court with code (渝0103: the demo's basic court). */
export async function courtId(srv, code = '渝0103') {
  const courts = (await (await fetch(srv.base + '/api/v1/courts')).json()).items
  return courts.find((c) => c.code === code).id
}

/** 张三's filing application against defendant for amountFen (fen). */
export function loanApplication(defendant, { claims = '判令被告偿还借款', amountFen = 2000000 } = {}) {
  return {
    cause_code: '108.3', cause_revision: 2025, case_type: '民初',
    parties: [
      { role: 'plaintiff', kind: 'natural', name: '张三', sex: 'male', citizen_id: '500103199001011232', address: '重庆市渝中区解放碑街道1号', phone: PARTY_PHONE },
      { role: 'defendant', kind: 'natural', name: defendant, address: '重庆市江北区观音桥街道2号' },
    ],
    claims, facts: '被告借款逾期未还。', amount_fen: amountFen,
    service_address: { address: '重庆市渝中区解放碑街道1号', phone: PARTY_PHONE, e_service_consent: true },
  }
}

/**
 * Files 张三's loan case against defendant as party and registers it as
 * clerk (API clients of apiLogin) at court: { id, number, feeFen }.
 */
export async function registerLoanCase({ party, clerk, court }, { defendant = '李四', title, claims, amountFen } = {}) {
  const m = await party('POST', '/matters', {
    kind: 'filing', court_id: court, title: title ?? `张三诉${defendant}借款纠纷`,
    fields: { channel: 'online', application: loanApplication(defendant, { claims, amountFen }) },
  })
  const r = await clerk('POST', `/matters/${m.id}/events`, { event: 'register' })
  assert.equal(r.state, 'registered')
  return { id: m.id, number: r.data.case.case_number, feeFen: r.data.fee.fee_fen }
}

/**
 * A fresh server with the party and the filing clerk signed in through the
 * API, and one loan case registered (options as for registerLoanCase):
 * { srv, apis: { party, clerk, court }, case: { id, number, feeFen } }.
 */
export async function startWithLoanCase(options) {
  const srv = await startServer()
  const apis = {
    party: await apiLogin(srv, PARTY_PHONE),
    clerk: await apiLogin(srv, 'filing_clerk', srv.totp('filing_clerk')),
    court: await courtId(srv),
  }
  return { srv, apis, case: await registerLoanCase(apis, options) }
}
