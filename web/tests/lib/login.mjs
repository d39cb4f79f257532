// Signing in through the login page, as a user does: parties and lawyers by
// phone number and password, court staff by work account, password and the
// current TOTP code (which works once per 30 s step: one staff login per
// account and step).
import { PASSWORD } from './api.mjs'

/** Signs a party or lawyer in (c: a context of openContext); waits for their matters. */
export async function partyLogin(srv, c, phone) {
  const { page } = c
  await page.goto(srv.base + '/login')
  await page.getByLabel('手机号码').fill(phone)
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL('**/matters')
}

/** Submits the staff login form for username and waits for nothing (a refusal may be the point). */
export async function submitStaffLogin(srv, c, username) {
  const { page } = c
  await page.goto(srv.base + '/login')
  await page.locator('label', { hasText: '法院工作人员' }).click()
  await page.getByLabel('工作账号').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByLabel('动态验证码（6 位数字）').fill(srv.totp(username))
  await page.locator('[data-test=login-submit]').click()
}

/** Signs court staff in; waits until the header names the account. */
export async function staffLogin(srv, c, username) {
  await submitStaffLogin(srv, c, username)
  await c.page.locator('[data-test=who]').waitFor()
}
