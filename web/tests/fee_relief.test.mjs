// Fee relief (诉讼费用缓交、减交、免交) in a real browser against a real
// server: a case is filed by the demo party and registered by the clerk
// through the API; the party applies from the registered case's page
// (refused without a reason, the message by the field, the choices kept),
// the court admin (one of the roles the workflow lets decide; the filing
// clerk's one-time code is spent on the registration) finds it in the queue,
// filtered by the case number (the queue in one request), and grants part of it in yuan (refused without
// the note the workflow requires, then below the 30% minimum of 办法 art. 46,
// then accepted: 100.10 yuan, converted to fen exactly), and the party sees
// the decision and the fee now owed: 300.00 − 100.10 = 199.90 yuan. Phone
// width too.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startWithLoanCase, PARTY_PHONE } from './lib/cases.mjs'
import { partyLogin, staffLogin } from './lib/login.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

let srv
let caseId
let caseNumber
let reliefId
let party
let clerk

before(async () => {
  const started = await startWithLoanCase()
  srv = started.srv
  assert.equal(started.case.feeFen, 30000) // 20,000 yuan claimed: 300 yuan
  caseId = started.case.id
  caseNumber = started.case.number
})
after(async () => {
  await party?.close()
  await clerk?.close()
  await srv?.stop()
})

test('the party applies for a reduction from the registered case; a missing reason is named and the choices kept', async () => {
  party = await openContext(DESKTOP)
  const { page } = party
  await partyLogin(srv, party, PARTY_PHONE)
  await page.goto(`${srv.base}/matters/${caseId}`)
  await page.locator('[data-test=case-number]').waitFor()
  await page.locator('[data-test=relief-apply]').click()
  const form = page.locator('[data-test=relief-form]')
  await form.locator('label.el-radio', { hasText: '减交' }).click()
  await form.getByLabel('申请理由类别').selectOption('minimum_living')
  await form.getByLabel('申请减免金额（元，可不填）').fill('200')
  await check(party, 'fr01-apply-form')
  await page.locator('[data-test=relief-submit]').click()
  const reason = form.locator('.el-form-item.is-error', { has: page.getByLabel('申请理由', { exact: true }) })
  await reason.locator('.el-form-item__error').waitFor()
  assert.match(await reason.locator('.el-form-item__error').innerText(), /申请理由/)
  assert.equal(await form.getByLabel('申请理由类别').inputValue(), 'minimum_living')
  assert.equal(await form.getByLabel('申请减免金额（元，可不填）').inputValue(), '200')
  await check(party, 'fr02-apply-error')
  await form.getByLabel('申请理由', { exact: true }).fill('本人领取最低生活保障金，无力全额预交诉讼费用。')
  await page.locator('[data-test=relief-submit]').click()
  const item = page.locator('[data-test^=relief-]', { has: page.locator('[data-test=relief-state]') }).first()
  await item.locator('[data-test=relief-state]', { hasText: '待审查' }).waitFor()
  reliefId = Number((await item.getAttribute('data-test')).split('-')[1])
  assert.ok(reliefId > 0)
  await check(party, 'fr03-applied')
})

test('the court admin decides from the queue: part granted, the required note named first', async () => {
  clerk = await openContext(DESKTOP)
  const { page } = clerk
  await staffLogin(srv, clerk, 'court_admin')
  await page.waitForURL('**/clerk/queue')
  // The queue is one list request: no application or case is read one by one.
  const oneByOne = []
  const seen = (req) => { if (/\/api\/v1\/matters\/\d+/.test(new URL(req.url()).pathname)) oneByOne.push(req.url()) }
  page.on('request', seen)
  await page.getByRole('link', { name: '缓减免审查' }).click()
  await page.locator(`[data-test=relief-${reliefId}]`).waitFor()
  // Filtered by the case: its number keeps the application, another hides it.
  const filter = page.locator('#relief-case-filter')
  await filter.fill('（2099）渝0103民初1号')
  await page.locator('[data-test=relief-no-match]').waitFor()
  await filter.fill(caseNumber)
  await page.locator(`[data-test=relief-case-${reliefId}]`, { hasText: caseNumber }).waitFor()
  await check(clerk, 'fr04a-queue-filtered')
  page.off('request', seen)
  assert.deepEqual(oneByOne, [])
  await page.locator(`[data-test=relief-${reliefId}]`).click()
  await page.waitForURL(`**/fee-relief/${reliefId}`)
  await page.locator('[data-test=relief-state]', { hasText: '待审查' }).waitFor()
  await check(clerk, 'fr04-clerk-relief')
  const part = page.locator('[data-test=decide-grant_part]')
  await part.locator('summary').click()
  const amount = part.getByLabel('准许减交金额（元）')
  await amount.fill('50')
  await part.locator('[data-test=ev-grant_part-submit]').click()
  const note = part.locator('.el-form-item.is-error', { has: page.getByLabel('审查意见') })
  await note.locator('.el-form-item__error').waitFor()
  assert.match(await note.locator('.el-form-item__error').innerText(), /审查意见/)
  assert.equal(await amount.inputValue(), '50')
  await check(clerk, 'fr05-decision-error')
  await part.getByLabel('审查意见').fill('申请人领取最低生活保障金属实，准予减交一百元一角。')
  await part.locator('[data-test=ev-grant_part-submit]').click()
  // 50 yuan is under 30% of 300: the API names the amount, in Chinese.
  const amountItem = part.locator('.el-form-item.is-error', { has: page.getByLabel('准许减交金额（元）') })
  await amountItem.locator('.el-form-item__error', { hasText: '百分之三十' }).waitFor()
  assert.match(await amountItem.locator('.el-form-item__error').innerText(), /至少应当减交 90\.00 元/)
  await amount.fill('100.1.0')
  await part.locator('[data-test=ev-grant_part-submit]').click()
  await amountItem.locator('.el-form-item__error', { hasText: '以元为单位' }).waitFor()
  await amount.fill('100.10')
  await part.locator('[data-test=ev-grant_part-submit]').click()
  await page.locator('[data-test=relief-done]', { hasText: '部分准许' }).waitFor()
  assert.equal(await page.locator('[data-test=relief-approved]').innerText(), '100.10 元')
  await check(clerk, 'fr06-decided')
})

test('the party sees the decision, the amount granted and the fee owed', async () => {
  const { page } = party
  await page.goto(`${srv.base}/matters/${caseId}`)
  const item = page.locator(`[data-test=relief-${reliefId}]`)
  await item.locator('[data-test=relief-state]', { hasText: '部分准许' }).waitFor()
  assert.equal(await item.locator('[data-test=relief-approved]').innerText(), '100.10 元')
  await item.getByText('准予减交一百元一角').waitFor()
  // The fee owed after the grant: 300.00 − 100.10 yuan, and the relief by its application.
  assert.equal(await page.locator('[data-test=fee]').innerText(), '300.00 元')
  assert.match(await page.locator('[data-test=due]').innerText(), /^199\.90 元/)
  assert.match(await page.locator('[data-test=ledger-relief]').innerText(), new RegExp(`准予减交 100\\.10 元\\s*（缓减免申请 ${reliefId}）`))
  await page.locator('[data-test=ledger-pay-by]').waitFor()
  await check(party, 'fr07-party-result')
})

test('phone width: the party reads the decision on the case and on the application', async () => {
  const phone = await openContext(PHONE)
  try {
    const { page } = phone
    await partyLogin(srv, phone, PARTY_PHONE)
    await page.goto(`${srv.base}/matters/${caseId}`)
    await page.locator(`[data-test=relief-${reliefId}] [data-test=relief-state]`, { hasText: '部分准许' }).waitFor()
    await check(phone, 'fr08-case')
    await page.goto(`${srv.base}/fee-relief/${reliefId}`)
    await page.locator('[data-test=relief-approved]').waitFor()
    await check(phone, 'fr09-relief')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
  } finally {
    await phone.close()
  }
})
