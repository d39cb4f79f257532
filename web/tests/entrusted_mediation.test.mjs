// Post-filing (entrusted) mediation (委托调解, data/workflows/entrusted_mediation.json)
// in a real browser: a case filed by the demo party and registered by the
// clerk through the API; the triage officer entrusts it to mediation from the
// staff case page (the required consent named first, the choice kept) and
// lands in the mediation room; after the court admin delegates and the
// mediator accepts (API), the mediator's joint message is in the room the
// party opens, and the party answers in it. Phone width for the party too.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { apiLogin } from './lib/api.mjs'
import { startWithLoanCase, PARTY_PHONE } from './lib/cases.mjs'
import { partyLogin, staffLogin } from './lib/login.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

let srv
let caseId
let caseNumber
let roomId

before(async () => {
  const started = await startWithLoanCase({
    title: '张三诉李四借款纠纷（委托调解）', claims: '判令被告偿还借款三万元', amountFen: 3000000,
  })
  srv = started.srv
  caseId = started.case.id
  caseNumber = started.case.number
})
after(async () => {
  await srv?.stop()
})

test('the triage officer entrusts the registered case to mediation from the case page', async () => {
  const officer = await openContext(DESKTOP)
  try {
    const { page } = officer
    await staffLogin(srv, officer, 'triage_officer')
    await page.goto(`${srv.base}/cases/${caseId}`)
    await page.getByRole('heading', { name: caseNumber }).waitFor()
    const entrust = page.locator('[data-test=entrust]')
    await entrust.locator('summary').click()
    await entrust.locator('[data-test=ev-submit-procedure]').click()
    await page.getByRole('option', { name: /简易程序/ }).click()
    await entrust.locator('[data-test=ev-submit-submit]').click()
    // Consent is required (特邀调解规定: mediation needs the parties' consent).
    const consent = entrust.locator('.el-form-item.is-error', { has: page.locator('[data-test=ev-submit-consent]') })
    await consent.locator('.el-form-item__error').waitFor()
    assert.match(await consent.locator('.el-form-item__error').innerText(), /委托调解须经各方当事人同意/)
    await check(officer, 'em01-entrust-refused')
    await entrust.locator('[data-test=ev-submit-consent]').click()
    await entrust.locator('[data-test=ev-submit-submit]').click()
    await page.waitForURL(/\/mediation\/\d+$/)
    roomId = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator('[data-test=med-state]', { hasText: '待委派' }).waitFor()
    assert.equal(await page.locator('.section-title').first().innerText(), caseNumber)
    await check(officer, 'em02-room-submitted')
  } finally {
    await officer.close()
  }
})

test('delegated and accepted, the room serves the case: the party reads the mediator and answers', async () => {
  const admin = await apiLogin(srv, 'court_admin', srv.totp('court_admin'))
  const mediator = await apiLogin(srv, '13800000005')
  await admin('POST', `/matters/${roomId}/events`, { event: 'delegate', fields: { mediator_id: 1 } })
  await mediator('POST', `/matters/${roomId}/events`, { event: 'accept', fields: {} })
  await mediator('POST', `/matters/${roomId}/messages`, { text: '请双方于本周五前提交还款方案。' })
  const party = await openContext(DESKTOP)
  try {
    const { page } = party
    await partyLogin(srv, party, PARTY_PHONE)
    await page.goto(`${srv.base}/mediation/${roomId}`)
    await page.locator('[data-test=med-state]', { hasText: '调解中' }).waitFor()
    await page.locator('[data-test=room-message]', { hasText: '请双方于本周五前提交还款方案。' }).waitFor()
    await page.getByLabel('消息内容').fill('同意分两期归还。')
    await page.locator('[data-test=msg-send]').click()
    await page.locator('[data-test=room-message]', { hasText: '同意分两期归还。' }).waitFor()
    await check(party, 'em03-party-room')
  } finally {
    await party.close()
  }
  const phone = await openContext(PHONE)
  try {
    await partyLogin(srv, phone, PARTY_PHONE)
    await phone.page.goto(`${srv.base}/mediation/${roomId}`)
    await phone.page.locator('[data-test=room-message]', { hasText: '同意分两期归还。' }).waitFor()
    await check(phone, 'em04-party-room-phone')
  } finally {
    await phone.close()
  }
})
