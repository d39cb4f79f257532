// Kiosk mode (large touch targets, the session ends after two idle minutes,
// on a fake clock) and the element-style complaint form inside the filing
// wizard (required elements named by the API, then the claims, facts and
// amount generated from the answers). Each page checked as in filing.test.mjs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { openContext, check, DESKTOP } from './lib/browser.mjs'
import { partyLogin } from './lib/login.mjs'

let srv

before(async () => {
  srv = await startServer()
})
after(async () => {
  await srv?.stop()
})

test('kiosk: large touch targets; after two idle minutes the session ends', async () => {
  const c = await openContext({ ...DESKTOP, name: 'kiosk' })
  try {
    const { page } = c
    await page.clock.install()
    await page.goto(srv.base + '/?kiosk=1')
    await page.getByRole('heading', { name: '诉讼服务大厅' }).waitFor()
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('kiosk')))
    await check(c, '01-home')
    await partyLogin(srv, c, '13800000001')
    const box = await page.getByRole('button', { name: '退出' }).boundingBox()
    assert.ok(box && box.height >= 44, `the logout button is ${box?.height}px high, under a 44px touch target`)
    await check(c, '02-matters')
    // Idle: a warning first, then the logout.
    await page.clock.fastForward(105_000)
    await page.getByRole('alert').filter({ hasText: '秒后将自动退出登录' }).waitFor()
    await page.clock.fastForward(20_000)
    await page.waitForURL('**/?idle=1')
    await page.getByText('因长时间无操作，已自动退出登录。').waitFor()
    assert.equal(await page.locator('[data-test=who]').count(), 0)
    await check(c, '03-idle-logout')
    // The server-side session is gone too, not only the page's memory of it.
    await page.goto(srv.base + '/matters')
    await page.waitForURL(/\/login\?next=(%2F|\/)matters$/)
  } finally {
    await c.close()
  }
})

test('the element-style complaint form fills the claims, facts and amount', async () => {
  const c = await openContext({ ...DESKTOP, name: 'elements' })
  try {
    const { page } = c
    await partyLogin(srv, c, '13800000002')
    await page.goto(srv.base + '/filing/new?cause=108.3')
    await page.locator('[data-test=chosen-cause]').waitFor()
    await page.getByRole('button', { name: /4 诉讼请求/ }).click()
    await page.locator('[data-test=use-elements]').click()
    await page.getByRole('heading', { name: '民事起诉状（要素式）' }).waitFor()
    await page.locator('[data-test=render-form]').click()
    const total = page.locator('.el-form-item.is-error', { has: page.getByLabel('标的总额 *') })
    await total.locator('.el-form-item__error').waitFor()
    assert.match(await total.locator('.el-form-item__error').innerText(), /标的总额/)
    await check(c, '01-element-form-errors')
    await page.getByLabel('标的总额 *').fill('50000')
    // The first plain text element of the facts section, as the API describes the form.
    const form = await (await fetch(srv.base + '/api/v1/complaint-forms/108.3')).json()
    const facts = form.complaint.sections.find((s) => s.key === 'f')
    const el = facts.items.flatMap((i) => i.elements).find((e) => e.type === 'text' && !e.repeatable)
    await page.locator(`[id="ef-${el.id}"]`).fill('2025年5月1日，被告向原告借款五万元')
    // A claim besides the amount in dispute (the API asks for at least one).
    const claims = form.complaint.sections.find((s) => s.key === 'c')
    const principal = claims.items.flatMap((i) => i.elements).find((e) => e.type === 'amount' && !e.required)
    await page.locator(`[id="ef-${principal.id}"]`).fill('50000')
    await page.locator('[data-test=render-form]').click()
    await page.getByRole('heading', { name: '民事起诉状（要素式）' }).waitFor({ state: 'detached' })
    assert.notEqual(await page.getByLabel('诉讼请求', { exact: true }).inputValue(), '')
    assert.match(await page.getByLabel('事实与理由').inputValue(), /五万元/)
    assert.equal(await page.getByLabel('诉讼请求金额（元）').inputValue(), '50000.00')
    await check(c, '02-element-form-rendered')
  } finally {
    await c.close()
  }
})
