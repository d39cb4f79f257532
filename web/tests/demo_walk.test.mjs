// The demo walk (issue #6, "done means"): every account `yizhan init --demo`
// creates (src/cli/demo.c) logs in through the login page (staff with their
// TOTP code, once each) and opens every page its menu offers, at desktop and
// at phone width (the phone browser reuses the desktop login's session
// cookie, so each staff code is used once). On every page: its Chinese
// heading, no API answer 5xx or 4xx, no console error, no uncaught exception,
// no page wider than the screen, and the shared check() (axe-core, CSP,
// i18n, screenshot walk-<login>-<NN>-<page>.png). A menu link that leads to the login, the
// "not for your role" redirect, the not-found page or a 403/404 is a defect.
// Some data is filed first (by parties only, so no staff code is spent) so
// that the queues have rows.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { apiLogin, PASSWORD } from './lib/api.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

// Every demo account, the page it lands on after logging in (its work), and
// the menu entries its job needs (src/cli/demo.c, README).
const PARTY_PAGES = ['/matters', '/filing/new', '/filing/batches/new', '/mediation', '/notifications']
const JUDGE_PAGES = ['/me/queue', '/teams', '/notifications']
const TEAM_PAGES = ['/teams', '/notifications']
const ACCOUNTS = [
  { login: '13800000001', lands: '/matters', name: '张三', needs: PARTY_PAGES },
  { login: '13800000002', lands: '/matters', name: '李四', needs: PARTY_PAGES, like: '13800000001' },
  { login: '13800000003', lands: '/matters', name: '重庆示例商贸有限公司', needs: PARTY_PAGES },
  { login: '13800000004', lands: '/matters', name: '赵律师', needs: PARTY_PAGES },
  { login: '13800000005', lands: '/mediation', name: '钱调解员', needs: ['/mediation', '/mediation/workload', '/notifications'] },
  { login: '13800000006', lands: '/mediation/workload', name: '孙主任', needs: ['/mediation/workload', '/notifications'] },
  { login: 'filing_clerk', lands: '/clerk/queue', name: '周立案', staff: true, needs: ['/clerk/queue', '/cross-region', '/mediation', '/fee-relief', '/notifications'] },
  { login: 'triage_officer', lands: '/triage', name: '吴分流', staff: true, needs: ['/triage', '/assignment', '/teams', '/notifications'] },
  { login: 'judge', lands: '/me/queue', name: '郑法官', staff: true, needs: JUDGE_PAGES },
  { login: 'assistant', lands: '/teams', name: '冯助理', staff: true, needs: TEAM_PAGES },
  { login: 'clerk', lands: '/teams', name: '陈书记员', staff: true, needs: TEAM_PAGES },
  { login: 'service_officer', lands: '/', name: '褚送达', staff: true, needs: ['/notifications'] },
  { login: 'petition_officer', lands: '/', name: '卫信访', staff: true, needs: ['/notifications'] },
  { login: 'hotline_agent', lands: '/', name: '蒋坐席', staff: true, needs: ['/notifications'] },
  { login: 'court_admin', lands: '/clerk/queue', name: '沈管理员', staff: true, needs: ['/clerk/queue', '/triage', '/dashboard', '/assignment', '/teams', '/admin/staff', '/admin/roster', '/mediation', '/fee-relief'] },
  { login: 'supervisor', lands: '/dashboard', name: '韩监督', staff: true, needs: ['/dashboard', '/notifications'] },
  { login: 'filing_clerk_jb', lands: '/clerk/queue', name: '杨立案', staff: true, needs: ['/clerk/queue', '/cross-region', '/notifications'] },
  { login: 'court_admin_jb', lands: '/clerk/queue', name: '秦管理员', staff: true, needs: ['/clerk/queue', '/dashboard', '/admin/staff'] },
  { login: 'judge2', lands: '/me/queue', name: '王法官', staff: true, needs: JUDGE_PAGES, like: 'judge' },
  { login: 'judge3', lands: '/me/queue', name: '刘法官', staff: true, needs: JUDGE_PAGES, like: 'judge' },
  { login: 'judge4', lands: '/me/queue', name: '何法官', staff: true, needs: JUDGE_PAGES, like: 'judge' },
  { login: 'judge5', lands: '/me/queue', name: '许法官', staff: true, needs: JUDGE_PAGES, like: 'judge' },
  { login: 'assistant2', lands: '/teams', name: '吕助理', staff: true, needs: TEAM_PAGES, like: 'assistant' },
  { login: 'assistant3', lands: '/teams', name: '施助理', staff: true, needs: TEAM_PAGES, like: 'assistant' },
  { login: 'clerk2', lands: '/teams', name: '张书记员', staff: true, needs: TEAM_PAGES, like: 'clerk' },
  { login: 'clerk3', lands: '/teams', name: '孔书记员', staff: true, needs: TEAM_PAGES, like: 'clerk' },
]
const PUBLIC_PAGES = ['/', '/fees', '/roster', '/progress', '/kb']
// An account "like" an earlier one (same role, same court) has the same menu;
// it walks only its own pages, not the public ones again, to keep the run short.

let srv
let desk
let phone

function application(plaintiff, defendant) {
  return {
    cause_code: '108.3', cause_revision: 2025, case_type: '民初',
    parties: [
      plaintiff,
      { role: 'defendant', kind: 'natural', name: defendant, address: '重庆市江北区观音桥街道2号' },
    ],
    claims: '判令被告偿还借款', facts: '被告借款逾期未还。', amount_fen: 2000000,
    service_address: { address: '重庆市渝中区解放碑街道1号', phone: '13800000001', e_service_consent: true },
  }
}
const ZHANG = { role: 'plaintiff', kind: 'natural', name: '张三', sex: 'male', citizen_id: '500103199001011232', address: '重庆市渝中区解放碑街道1号', phone: '13800000001' }

before(async () => {
  srv = await startServer()
  const party = await apiLogin(srv, '13800000001')
  const courts = (await (await fetch(srv.base + '/api/v1/courts')).json()).items
  const court = courts.find((c) => c.code === '渝0103').id
  const jiangbei = courts.find((c) => c.code === '渝0105').id
  // A filing waiting for review, a cross-region filing received by 渝0105, a mediation waiting for delegation.
  await party('POST', '/matters', { kind: 'filing', court_id: court, title: '张三诉周五借款纠纷', fields: { channel: 'online', application: application(ZHANG, '周五') } })
  await party('POST', '/matters', { kind: 'cross_region_filing', court_id: jiangbei, title: '张三诉郑七借款纠纷（跨域立案）', fields: { target_court_id: court, application: application(ZHANG, '郑七') } })
  await party('POST', '/matters', { kind: 'mediation', court_id: court, title: '张三与吴六借款纠纷', fields: { channel: 'online', consent: true, application: application(ZHANG, '吴六') } })
  desk = await openContext(DESKTOP)
  phone = await openContext(PHONE)
  for (const c of [desk, phone]) watchPage(c)
})
after(async () => {
  await desk?.close()
  await phone?.close()
  await srv?.stop()
})

/** Records what check() does not: console errors and every API answer of 4xx or 5xx. */
function watchPage(c) {
  c.bad = []
  c.inflight = 0
  c.page.on('console', (m) => {
    if (m.type() === 'error') c.bad.push(`console error: ${m.text()}`)
  })
  c.page.on('request', (r) => {
    if (r.url().includes('/api/')) c.inflight++
  })
  const done = (r) => {
    if (r.url().includes('/api/')) c.inflight--
  }
  c.page.on('requestfinished', done)
  c.page.on('requestfailed', (r) => {
    done(r)
    if (r.url().includes('/api/')) c.bad.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`)
  })
  c.page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) c.bad.push(`${r.request().method()} ${new URL(r.url()).pathname} answered ${r.status()}`)
  })
}

/** Waits until no API request of the page is open for a moment. */
async function settle(c) {
  for (let quiet = 0; quiet < 3; ) {
    await c.page.waitForTimeout(50)
    quiet = c.inflight === 0 ? quiet + 1 : 0
  }
}

async function login(c, account) {
  const { page } = c
  await page.goto(srv.base + '/login')
  await page.locator('h1', { hasText: '登录' }).waitFor()
  if (account.staff) {
    await page.locator('label', { hasText: '法院工作人员' }).click()
    await page.getByLabel('工作账号').fill(account.login)
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await page.getByLabel('动态验证码（6 位数字）').fill(srv.totp(account.login))
  } else {
    await page.getByLabel('手机号码').fill(account.login)
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  }
  await page.locator('[data-test=login-submit]').click()
  await page.locator('[data-test=who]', { hasText: account.name }).waitFor()
  await page.waitForURL((u) => u.pathname === account.lands, { timeout: 5000 }).catch(() => {})
  assert.equal(new URL(page.url()).pathname, account.lands, `${account.login} lands on the wrong page after logging in`)
}

/** The menu's links as paths, in order, without repeats. */
async function menu(c) {
  const hrefs = await c.page.locator('nav.app-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  return [...new Set(hrefs)]
}

/** Opens one menu entry by clicking it, and checks the page it leads to. */
async function visit(c, account, href, index) {
  const { page } = c
  c.bad.splice(0)
  await page.locator(`nav.app-nav a[href="${href}"]`).first().click()
  // A refused link ends elsewhere: wait a while for the right path, then say where it went.
  await page.waitForURL((u) => u.pathname === href, { timeout: 5000 }).catch(() => {})
  await settle(c)
  const url = new URL(page.url())
  const where = `${c.device.name} ${account.login} ${href}`
  assert.equal(url.pathname, href, `${where}: the menu link led to ${url.pathname}${url.search}`)
  assert.equal(url.searchParams.get('denied'), null, `${where}: refused for this role`)
  assert.deepEqual(c.bad, [], `${where}: errors while the page loaded`)
  const h1 = page.locator('main h1')
  await h1.first().waitFor({ timeout: 5000 })
  const heading = (await h1.first().innerText()).trim()
  assert.match(heading, /\p{Script=Han}/u, `${where}: heading "${heading}" is not Chinese`)
  assert.notEqual(heading, '页面不存在', `${where}: not found`)
  assert.match(await page.title(), /\p{Script=Han}.* - 一站/u, `${where}: document title`)
  const slug = href === '/' ? 'home' : href.slice(1).replace(/[^a-z0-9]+/gi, '-')
  await check(c, `walk-${account.login}-${String(index).padStart(2, '0')}-${slug}`)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 1, `${where}: the page is ${overflow}px wider than the screen`)
  assert.deepEqual(c.bad.splice(0), [], `${where}: errors while the page loaded`)
}

const menus = new Map()
/** A judge's own relationships page carries their id; menus compare without it. */
const sameJudge = (href) => href.replace(/^\/judges\/\d+\//, '/judges/ID/')

async function walk(c, account, links) {
  for (const [i, href] of links.entries()) await visit(c, account, href, i + 1)
}

for (const account of ACCOUNTS) {
  test(`${account.name} (${account.login}) walks every page of the menu at desktop and phone width`, async () => {
    await login(desk, account)
    const links = await menu(desk)
    for (const p of [...PUBLIC_PAGES, ...account.needs]) assert.ok(links.includes(p), `${account.login}: the menu lacks ${p} (has ${links.join(' ')})`)
    const own = account.like ? links.filter((l) => !PUBLIC_PAGES.includes(l)) : links
    if (account.like) assert.deepEqual(links.map(sameJudge), menus.get(account.like).map(sameJudge), `${account.login}: the menu differs from ${account.like}'s`)
    menus.set(account.login, links)
    await walk(desk, account, own)

    // The phone: the same session (its cookie), so the TOTP code is used once.
    await phone.ctx.clearCookies()
    await phone.ctx.addCookies(await desk.ctx.cookies())
    await phone.page.goto(srv.base + '/')
    await phone.page.locator('[data-test=who]', { hasText: account.name }).waitFor()
    assert.deepEqual(await menu(phone), links, `${account.login}: the phone menu differs`)
    await walk(phone, account, own)
    await phone.ctx.clearCookies()

    // Log out from the header: back to the public menu.
    await desk.page.getByRole('button', { name: '退出' }).click()
    await desk.page.locator('nav.app-nav a[href="/login"], .account a[href="/login"]').first().waitFor()
    assert.deepEqual(await menu(desk), PUBLIC_PAGES)
    desk.bad.splice(0)
    phone.bad.splice(0)
  })
}
