// The triage officer's and the supervisor's pages in a real browser against a
// real server: two cases are filed by the demo party and registered by the
// clerk through the API; the triage officer confirms one proposal and
// overrides the other (refused without a reason, the API's message under the
// reason field, the choice kept; then accepted with one); the supervisor's
// dashboard draws its charts with the figures in tables; the court admin sees
// both pages at phone width. Every page is checked by axe-core and photographed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { apiLogin } from './lib/api.mjs'
import { courtId, registerLoanCase, PARTY_PHONE } from './lib/cases.mjs'
import { staffLogin } from './lib/login.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

let srv
const ids = []

before(async () => {
  srv = await startServer()
  const party = await apiLogin(srv, PARTY_PHONE)
  const clerk = await apiLogin(srv, 'filing_clerk', srv.totp('filing_clerk'))
  const court = await courtId(srv)
  for (const defendant of ['李四', '王五']) ids.push((await registerLoanCase({ party, clerk, court }, { defendant })).id)
})
after(async () => {
  await srv?.stop()
})

test('the triage officer confirms one proposal and overrides another with a reason', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await staffLogin(srv, c, 'triage_officer')
    await page.goto(srv.base + '/triage')
    await page.locator(`[data-test=triage-${ids[0]}]`).waitFor()
    await page.locator(`[data-test=triage-${ids[1]}]`).waitFor()
    assert.match(await page.locator('main').innerText(), /系统建议：/)
    await check(c, '31-triage-queue')

    // Confirm: the proposed track is chosen already, no reason needed.
    await page.locator(`[data-test=triage-${ids[0]}]`).click()
    await page.locator('[data-test=proposed-track]').waitFor()
    const proposed = await page.locator('[data-test=proposed-track]').innerText()
    await check(c, '32-triage-proposal')
    assert.equal((await page.locator('[data-test=triage-submit]').innerText()).trim(), '确认系统建议')
    await page.locator('[data-test=triage-submit]').click()
    await page.locator('[data-test=triage-done]').waitFor()
    await page.getByText('同意系统建议').waitFor()
    assert.match(await page.locator('[data-test=triage-state]').innerText(), new RegExp(proposed))
    await check(c, '33-triage-confirmed')

    // Override: another track without a reason is refused by the API, its message under the field.
    await page.goto(srv.base + `/triage/matters/${ids[1]}`)
    await page.locator('[data-test=proposed-track]').waitFor()
    const other = (await page.locator('[data-test=proposed-track]').innerText()) === '普通程序' ? 'simplified' : 'ordinary'
    await page.locator(`[data-test=track-${other}]`).click()
    await page.locator('[data-test=triage-submit]', { hasText: '改变分流' }).waitFor()
    await page.locator('[data-test=triage-submit]').click()
    const fieldError = page.locator('.el-form-item.is-error .el-form-item__error')
    await fieldError.waitFor()
    assert.ok((await fieldError.innerText()).length > 0)
    assert.match(await page.locator(`[data-test=track-${other}]`).getAttribute('class'), /is-checked/)
    await check(c, '34-triage-override-refused')
    await page.locator('#tr-reason').fill('需要鉴定，案情复杂，宜适用其他程序审理')
    await page.locator('[data-test=triage-submit]').click()
    await page.locator('[data-test=triage-done]').waitFor()
    await page.getByText('改变系统建议：需要鉴定').waitFor()
    await check(c, '35-triage-overridden')

    // Both decided: the queue no longer lists them.
    await page.goto(srv.base + '/triage')
    await page.getByText('暂无待分流案件。').waitFor()
    await check(c, '36-triage-queue-empty')
  } finally {
    await c.close()
  }
})

test('the supervisor dashboard draws its charts with the figures in tables', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await staffLogin(srv, c, 'supervisor')
    await page.goto(srv.base + '/dashboard')
    await page.locator('[data-test=chart-channel] canvas').waitFor()
    await page.locator('[data-test=chart-court] canvas').waitFor()
    const figures = await page.locator('main').innerText()
    assert.match(figures, /网上立案\s+\d+/)
    assert.match(figures, /快审占比/)
    await check(c, '41-dashboard')
    // A bad date is named by its field.
    await page.locator('#db-from').fill('2026-13-01')
    await page.locator('[data-test=db-submit]').click()
    await page.locator('.el-form-item.is-error .el-form-item__error').waitFor()
    assert.equal(await page.locator('#db-from').inputValue(), '2026-13-01')
    await check(c, '42-dashboard-bad-date')
  } finally {
    await c.close()
  }
})

test('phone width: the court admin sees the triage queue and the dashboard', async () => {
  const c = await openContext(PHONE)
  try {
    const { page } = c
    await staffLogin(srv, c, 'court_admin')
    await page.goto(srv.base + '/triage')
    await page.locator('h1', { hasText: '繁简分流' }).waitFor()
    await check(c, '31-triage-queue')
    await page.goto(srv.base + `/triage/matters/${ids[1]}`)
    await page.locator('[data-test=triage-decision]').first().waitFor()
    await check(c, '32-triage-case')
    await page.goto(srv.base + '/dashboard')
    await page.locator('[data-test=chart-channel] canvas').waitFor()
    await check(c, '41-dashboard')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the dashboard is ${overflow}px wider than the phone`)
  } finally {
    await c.close()
  }
})
