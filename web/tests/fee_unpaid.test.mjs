// A fee not paid in time (按撤诉处理, 民诉解释 art. 213) in a real browser
// against a real server: the demo party's loan case is registered through
// the API (fee 300 yuan), and its fee-payment deadline is moved ten days into
// the past in the database (the release server has no clock to move; the
// deadline is a projection row, not history). The court admin finds the case
// on the list at phone width; the judge finds it from the menu, opens it,
// is told the ruling needs its reasons (the field named, nothing stored),
// gives them, and the case is 按撤诉处理 (no recusal offered any more) and off
// the list.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { startWithLoanCase } from './lib/cases.mjs'
import { staffLogin } from './lib/login.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

const DAYS_OVERDUE = 10

let srv
let caseId
let caseNumber
let judge

/** The date days before today in Asia/Shanghai, YYYY-MM-DD. */
function daysAgo(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - days * 86400000))
}

before(async () => {
  const started = await startWithLoanCase()
  srv = started.srv
  caseId = started.case.id
  caseNumber = started.case.number
  assert.equal(started.case.feeFen, 30000)
  const moved = execFileSync('sqlite3', [join(srv.dir, 'yizhan.db'),
    `UPDATE deadlines SET due_date = '${daysAgo(DAYS_OVERDUE)}' WHERE matter_id = ${caseId} AND name = 'fee_payment' AND stopped_at IS NULL; SELECT changes();`]).toString().trim()
  assert.equal(moved, '1')
})
after(async () => {
  await judge?.close()
  await srv?.stop()
})

test('phone width: the court admin reads the list of fees past their deadline', async () => {
  const phone = await openContext(PHONE)
  try {
    const { page } = phone
    await staffLogin(srv, phone, 'court_admin')
    await page.goto(`${srv.base}/fees/unpaid`)
    const item = page.locator(`[data-test=unpaid-${caseId}]`)
    await item.waitFor()
    assert.equal(await item.locator(`[data-test=unpaid-case-${caseId}]`).innerText(), caseNumber)
    assert.equal(await item.locator('[data-test=unpaid-due]').innerText(), '300.00 元')
    await item.getByText(`已逾期 ${DAYS_OVERDUE} 天`).waitFor()
    await check(phone, 'fu01-list')
  } finally {
    await phone.close()
  }
})

test('the judge rules the case withdrawn from the list; the reasons are required first', async () => {
  judge = await openContext(DESKTOP)
  const { page } = judge
  await staffLogin(srv, judge, 'judge')
  await page.getByRole('link', { name: '逾期未交费' }).click()
  await page.locator(`[data-test=unpaid-case-${caseId}]`).click()
  await page.waitForURL(`**/cases/${caseId}`)
  await page.locator('[data-test=case-state]', { hasText: '已立案，待分流' }).waitFor()
  await page.locator('[data-test=recusal-submit]').waitFor()
  const ruling = page.locator('[data-test=ruling-deem_withdrawn]')
  await ruling.locator('summary').click()
  await check(judge, 'fu02-ruling-form')
  await ruling.locator('[data-test=ev-deem_withdrawn-submit]').click()
  const reasons = ruling.locator('.el-form-item.is-error', { has: page.getByLabel('裁定理由') })
  await reasons.locator('.el-form-item__error').waitFor()
  assert.match(await reasons.locator('.el-form-item__error').innerText(), /裁定理由/)
  await page.locator('[data-test=case-state]', { hasText: '已立案，待分流' }).waitFor()
  await check(judge, 'fu03-reasons-required')
  await ruling.getByLabel('裁定理由').fill('原告经通知未在期限内预交案件受理费，也未申请缓交、减交、免交。')
  await ruling.locator('[data-test=ev-deem_withdrawn-submit]').click()
  await page.locator('[data-test=case-state]', { hasText: '按撤诉处理' }).waitFor()
  assert.equal(await page.locator('[data-test=ruling-deem_withdrawn]').count(), 0)
  // An ended case keeps its judge: no recusal is offered (the API refuses one too).
  assert.equal(await page.locator('[data-test=recusal-submit]').count(), 0)
  await check(judge, 'fu04-ruled')
  await page.getByRole('link', { name: '逾期未交费' }).click()
  await page.locator('[data-test=unpaid-none]').waitFor()
  await check(judge, 'fu05-list-empty')
})
