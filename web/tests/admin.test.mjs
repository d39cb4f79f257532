// The court admin's account and settings pages in a real browser against a
// real server. A clerk signs in; the admin edits the clerk's name, is refused
// a role change of a team member (the API's message by the field, the input
// kept), disables the clerk with a reason (refused without one), and the
// clerk's open page loses its session and the clerk cannot sign in again;
// the admin re-enables the clerk and resets a TOTP enrolment (the new secret
// shown once). On the settings page the admin sets the court's average wage
// (a bad row named, the API's refusal shown) and triage then proposes small
// claims with it; a roster mediator joins a team from the teams page. Every
// page is checked by axe-core, for CSP violations and missing i18n keys.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { apiLogin, PASSWORD } from './lib/api.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'
import { courtId, registerLoanCase, PARTY_PHONE } from './lib/cases.mjs'
import { submitStaffLogin } from './lib/login.mjs'

let srv
let court
// The court admin signs in once (a TOTP code works once per 30 s step) and
// keeps this desktop context through the tests.
let a

before(async () => {
  srv = await startServer()
  court = await courtId(srv)
  a = await openContext(DESKTOP)
  await submitStaffLogin(srv, a, 'court_admin')
  await a.page.locator('[data-test=who]').waitFor()
})
after(async () => {
  await a?.close()
  await srv?.stop()
})

async function openDialog(page, action, username) {
  await page.locator(`[data-test=staff-${action}-${username}]`).click()
  const dialog = page.locator('[data-test=staff-dialog]')
  await dialog.waitFor()
  return dialog
}

test('the admin edits, disables and re-enables an account and resets a TOTP enrolment', async () => {
  const m = await openContext(PHONE)
  try {
    const { page } = a
    // A clerk account, signed in on a phone.
    await page.goto(srv.base + '/admin/staff')
    await page.locator('#st-username').fill('clerk_ui')
    await page.locator('#st-name').fill('卫书记员')
    await page.locator('.el-select', { hasText: '法官' }).first().click()
    await page.getByRole('option', { name: '书记员', exact: true }).click()
    await page.locator('#st-password').fill(PASSWORD)
    await page.locator('[data-test=staff-submit]').click()
    await page.locator('[data-test=staff-created]').waitFor()
    await submitStaffLogin(srv, m, 'clerk_ui')
    await m.page.locator('[data-test=who]', { hasText: '卫书记员' }).waitFor()

    // Edit the name, with a reason.
    const edit = await openDialog(page, 'edit', 'clerk_ui')
    await check(a, '81-staff-edit')
    await edit.locator('#sd-name').fill('卫明书记员')
    await edit.locator('#sd-reason').fill('更正姓名')
    await edit.locator('[data-test=sd-submit]').click()
    await page.locator('[data-test=staff-changed]', { hasText: '卫明书记员' }).waitFor()
    await page.locator('[data-test=staff-clerk_ui]', { hasText: '卫明书记员' }).waitFor()

    // A team member's role change is refused by the API, by its field; the choice stays.
    const judge = await openDialog(page, 'edit', 'judge')
    assert.match(await judge.innerText(), /民事审判一组/)
    await judge.locator('label.el-radio', { hasText: /^法官助理$/ }).click()
    await judge.locator('[data-test=sd-submit]').click()
    const roleError = judge.locator('.el-form-item.is-error .el-form-item__error')
    await roleError.waitFor()
    assert.match(await roleError.innerText(), /移出团队/)
    assert.match(await judge.locator('label.el-radio.is-checked').innerText(), /法官助理/)
    await check(a, '82-staff-role-refused')
    await judge.getByRole('button', { name: '取消' }).click()

    // Disable: refused without a reason, then done with one.
    const off = await openDialog(page, 'disable', 'clerk_ui')
    await off.locator('[data-test=sd-submit]').click()
    await off.locator('.el-form-item.is-error .el-form-item__error', { hasText: '停用原因' }).waitFor()
    await check(a, '83-staff-disable-refused')
    await off.locator('#sd-reason').fill('调离本院')
    await off.locator('[data-test=sd-submit]').click()
    await page.locator('[data-test=staff-status-clerk_ui]', { hasText: '已停用' }).waitFor()
    await check(a, '84-staff-disabled')

    // The clerk's open page has no session any more, and signing in fails.
    await m.page.reload()
    await m.page.getByRole('link', { name: '登录' }).first().waitFor()
    assert.equal(await m.page.locator('[data-test=who]').count(), 0)
    await submitStaffLogin(srv, m, 'clerk_ui')
    await m.page.locator('.general-error', { hasText: '账号或密码错误' }).waitFor()
    await check(m, '85-disabled-login-refused')

    // Enabled again; a TOTP reset shows the new secret once.
    const on = await openDialog(page, 'enable', 'clerk_ui')
    await on.locator('[data-test=sd-submit]').click()
    await page.locator('[data-test=staff-status-clerk_ui]', { hasText: '正常' }).waitFor()
    const reset = await openDialog(page, 'totp', 'clerk_ui')
    await reset.locator('#sd-reason').fill('手机遗失')
    await reset.locator('[data-test=sd-submit]').click()
    const secret = reset.locator('[data-test=staff-new-secret]')
    await secret.waitFor()
    assert.match(await secret.innerText(), /[A-Z2-7]{32}/)
    await check(a, '86-staff-totp-reset')
    await reset.locator('[data-test=sd-close]').click()
  } finally {
    await m.close()
  }
})

test("the admin sets the court's average wage and triage proposes small claims with it", async () => {
  const c = a
  {
    const { page } = c
    await page.goto(srv.base + '/admin/settings')
    await page.locator('[data-test=setting-source]', { hasText: '默认值' }).waitFor()
    await page.locator('[data-test=setting-none]').waitFor()
    await check(c, '91-settings')

    // A bad row is named before anything is sent; the API refuses dates out of order.
    await page.locator('#wage-from-0').fill('2025-02-01')
    await page.locator('#wage-amount-0').fill('十万')
    await page.locator('#set-reason').fill('高院通知公布 2024 年度数据')
    await page.locator('[data-test=settings-save]').click()
    await page.locator('.el-form-item.is-error .el-form-item__error', { hasText: '第 1 项的金额' }).waitFor()
    await page.locator('#wage-amount-0').fill('120000')
    await page.locator('[data-test=wage-add-row]').click()
    await page.locator('#wage-from-1').fill('2025-01-01')
    await page.locator('#wage-amount-1').fill('100000.00')
    await page.locator('[data-test=settings-save]').click()
    await page.locator('.general-error', { hasText: '先后顺序' }).waitFor()
    assert.equal(await page.locator('#wage-amount-1').inputValue(), '100000.00')
    await check(c, '92-settings-refused')

    // In order, it is saved and becomes the court's own value.
    await page.locator('#wage-from-0').fill('2025-01-01')
    await page.locator('#wage-amount-0').fill('100000.00')
    await page.getByRole('button', { name: '删除第 2 项' }).click()
    await page.locator('[data-test=settings-save]').click()
    await page.locator('[data-test=settings-done]').waitFor()
    await page.locator('[data-test=setting-source]', { hasText: '本院设置' }).waitFor()
    assert.match(await page.locator('[data-test=setting-entries]').innerText(), /2025-01-01[\s\S]*100,000\.00 元/)
    assert.match(await page.locator('[data-test=setting-average_wage]').innerText(), /沈管理员于/)
    await check(c, '93-settings-saved')

    // Triage proposes small claims for a 30,000 yuan loan case with the court's figure.
    const party = await apiLogin(srv, PARTY_PHONE)
    const clerk = await apiLogin(srv, 'filing_clerk', srv.totp('filing_clerk'))
    const officer = await apiLogin(srv, 'triage_officer', srv.totp('triage_officer'))
    const mt = await registerLoanCase({ party, clerk, court }, { defendant: '孙八', claims: '判令被告偿还借款三万元', amountFen: 3000000 })
    const triage = await officer('GET', `/matters/${mt.id}/triage`)
    assert.equal(triage.proposal.track, 'small_claims')
    assert.equal(triage.proposal.features.average_wage_fen, 10000000)
    assert.equal(triage.proposal.feature_sources.average_wage_fen, 'court_setting')
  }
})

test('a roster mediator joins a trial team from the teams page', async () => {
  const c = a
  {
    const { page } = c
    await page.goto(srv.base + '/teams')
    const team = page.locator('section', { has: page.getByRole('heading', { name: /民事审判一组/ }) })
    await team.waitFor()
    await team.locator('[data-test^=team-add-]').first().click()
    await page.getByRole('option', { name: '钱调解员（特邀调解员）' }).click()
    await team.locator('[data-test^=team-add-submit-]').click()
    await page.locator('[data-test=teams-done]', { hasText: '钱调解员' }).waitFor()
    assert.match(await team.innerText(), /钱调解员[\s\S]*特邀调解员/)
    await check(c, '95-team-mediator-added')
  }
})
