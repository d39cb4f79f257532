// Court staff and institutions in a real browser against a real server.
// Two cases are filed by the demo party and registered by the clerk through
// the API, and a cross-region filing is received by 渝0105 for 渝0103. Then:
// the triage officer decides the tracks, assigns one case by draw and sees the
// draw re-run and verified (candidates, loads, exclusions with reasons, seed),
// and designates the other, refused without a reason (the API's message under
// the field, the chosen judge kept) and accepted with one; the designated
// judge sees the case in their queue at phone width and recuses themselves; the court admin's staff,
// teams, judge's relationships and roster pages render and a relationship
// added in the browser is there after a reload; 渝0105's clerk forwards the
// cross-region filing; an institution uploads a batch with one bad row and
// sees that row's error in Chinese. Every page is checked by axe-core.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { apiLogin, PASSWORD } from './lib/api.mjs'
import { courtId, loanApplication, registerLoanCase, PARTY_PHONE } from './lib/cases.mjs'
import { staffLogin } from './lib/login.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

let srv
const ids = []
let crossId

before(async () => {
  srv = await startServer()
  const party = await apiLogin(srv, PARTY_PHONE)
  const clerk = await apiLogin(srv, 'filing_clerk', srv.totp('filing_clerk'))
  const court = await courtId(srv)
  const jiangbei = await courtId(srv, '渝0105')
  for (const defendant of ['周五', '吴六']) ids.push((await registerLoanCase({ party, clerk, court }, { defendant })).id)
  const cr = await party('POST', '/matters', { kind: 'cross_region_filing', court_id: jiangbei, title: '张三诉郑七借款纠纷（跨域立案）', fields: { target_court_id: court, application: loanApplication('郑七') } })
  crossId = cr.id
})
after(async () => {
  await srv?.stop()
})

/** Decides the triage of case id in the browser by confirming the proposal, or choosing track. */
async function decide(page, id, track) {
  await page.goto(srv.base + `/triage/matters/${id}`)
  await page.locator('[data-test=proposed-track]').waitFor()
  await page.locator(`[data-test=track-${track}]`).click()
  if ((await page.locator('[data-test=triage-submit]').innerText()).trim() === '改变分流')
    await page.locator('#tr-reason').fill('案件事实清楚，宜适用简易程序审理')
  await page.locator('[data-test=triage-submit]').click()
  await page.locator('[data-test=triage-done]').waitFor()
}

test('the triage officer assigns by draw, sees the verified draw, and designates with a reason', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await staffLogin(srv, c, 'triage_officer')
    await decide(page, ids[0], 'simplified')
    await decide(page, ids[1], 'simplified')

    // The cases awaiting assignment lead to the case page.
    await page.goto(srv.base + '/assignment')
    await page.locator(`[data-test=as-case-${ids[0]}]`).waitFor()
    await check(c, '51-assignment-list')
    await page.locator(`[data-test=as-case-${ids[0]}]`).click()
    await page.locator('[data-test=assign-current]', { hasText: '尚未分案' }).waitFor()
    await check(c, '52-assignment-before')

    // A recusal first, so the draw has an exclusion with its reason.
    await page.locator('[data-test=recusal-judge]').click()
    await page.getByRole('option', { name: /王法官/ }).click()
    await page.locator('#as-rc-reason').fill('当事人申请回避，经审查理由成立')
    await page.locator('[data-test=recusal-submit]').click()
    await page.locator('[data-test=assign-recusal]', { hasText: '王法官' }).waitFor()

    await page.locator('[data-test=assign-draw]').click()
    await page.locator('[data-test=assign-done]').waitFor()
    const record = page.locator('[data-test=assign-record]').first()
    await record.waitFor()
    const text = await record.innerText()
    assert.match(text, /随机分案/)
    assert.match(text, /已验证/)
    assert.match(text, /候选法官/)
    assert.match(text, /在办案件数/)
    assert.match(text, /王法官：当事人申请回避/)
    assert.match(text, /随机种子：[0-9a-f]{64}/)
    assert.match(await page.locator('[data-test=assign-verified]').innerText(), /一致（随机分案 1 次，指定分案 0 次）/)
    assert.doesNotMatch(await page.locator('[data-test=assign-current]').innerText(), /尚未分案/)
    await check(c, '53-assignment-drawn')

    // Designation without a reason: the API's message under the reason, the judge kept.
    await page.goto(srv.base + `/triage/matters/${ids[1]}`)
    await page.locator('[data-test=designate-judge]').click()
    await page.getByRole('option', { name: /何法官/ }).click()
    await page.locator('[data-test=designate-submit]').click()
    const fieldError = page.locator('.el-form-item.is-error .el-form-item__error')
    await fieldError.waitFor()
    assert.match(await fieldError.innerText(), /指定分案的理由/)
    assert.match(await page.locator('[data-test=designate-judge]').innerText(), /何法官/)
    await check(c, '54-designation-refused')
    await page.locator('#as-reason').fill('该案与何法官在办的系列案件关联，指定其承办')
    await page.locator('[data-test=designate-submit]').click()
    await page.locator('[data-test=assign-done]').waitFor()
    await page.locator('[data-test=assign-current]', { hasText: '何法官' }).waitFor()
    assert.match(await page.locator('[data-test=assign-record]').first().innerText(), /指定分案[\s\S]*该案与何法官/)
    await check(c, '55-designated')

    // Both cases have a judge now: nothing awaits assignment.
    await page.goto(srv.base + '/assignment')
    await page.getByText('暂无待分案的案件。').waitFor()
    assert.match(await page.locator('[data-test=as-report]').innerText(), /随机分案 1 次，指定分案 1 次/)
    await check(c, '56-assignment-report')

    // The team queue shows the case with its judge and deadline.
    await page.goto(srv.base + '/teams')
    await page.getByRole('link', { name: '速裁二组' }).click()
    await page.locator(`[data-test=queue-case-${ids[1]}]`).waitFor()
    assert.match(await page.locator(`[data-test=queue-case-${ids[1]}]`).innerText(), /何法官[\s\S]*剩 \d+ 天/)
    await check(c, '57-team-queue')
  } finally {
    await c.close()
  }
})

test('phone width: the designated judge sees the case in their queue and declares a recusal', async () => {
  const c = await openContext(PHONE)
  try {
    const { page } = c
    await staffLogin(srv, c, 'judge4')
    await page.goto(srv.base + '/me/queue')
    const row = page.locator(`[data-test=queue-case-${ids[1]}]`)
    await row.waitFor()
    assert.match(await row.innerText(), /简易程序审理/)
    assert.match(await row.innerText(), /审理期限|普通程序审理期限|剩 \d+ 天/)
    await check(c, '58-my-queue')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the queue is ${overflow}px wider than the phone`)
    // The case page: its assignment, and the judge's own recusal, after which the case awaits a new draw.
    await row.getByRole('link').click()
    await page.locator('[data-test=assign-current]', { hasText: '何法官' }).waitFor()
    await check(c, '59-case')
    await page.locator('#as-rc-reason').fill('本人与被告系同学关系，申请自行回避')
    await page.locator('[data-test=recusal-submit]').click()
    await page.locator('[data-test=assign-recusal]', { hasText: '自行回避' }).waitFor()
    await page.locator('[data-test=assign-current]', { hasText: '尚未分案' }).waitFor()
    await check(c, '60-case-self-recused')
  } finally {
    await c.close()
  }
})

test('the court admin: staff, teams, a judge relationship added end to end, the roster', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await staffLogin(srv, c, 'court_admin')
    await page.goto(srv.base + '/admin/staff')
    await page.locator('[data-test=staff-judge5]').waitFor()
    await check(c, '61-admin-staff')
    // A bad new account is named by its fields and keeps what was typed.
    await page.locator('#st-username').fill('x')
    await page.locator('#st-name').fill('新书记员')
    await page.locator('[data-test=staff-submit]').click()
    await page.locator('.el-form-item.is-error .el-form-item__error').first().waitFor()
    assert.equal(await page.locator('#st-name').inputValue(), '新书记员')
    await check(c, '62-admin-staff-refused')

    await page.goto(srv.base + '/teams')
    await page.getByRole('heading', { name: /速裁一组/ }).waitFor()
    await check(c, '63-admin-teams')

    // A relationship of 许法官 (judge5), added in the browser, is there after a reload.
    await page.goto(srv.base + '/admin/staff')
    await page.locator('[data-test=staff-judge5] a').click()
    await page.getByRole('heading', { name: /许法官/ }).waitFor()
    await page.locator('label.el-radio', { hasText: '律师事务所' }).click()
    await page.locator('#cf-value').fill('重庆某某律师事务所')
    await page.locator('#cf-reason').fill('配偶在该所执业')
    await page.locator('[data-test=conflict-submit]').click()
    await page.locator('[data-test=conflicts-done]').waitFor()
    await page.reload()
    await page.locator('[data-test=conflict-row]', { hasText: '重庆某某律师事务所' }).waitFor()
    await check(c, '64-admin-conflicts')

    await page.goto(srv.base + '/admin/roster')
    await page.locator('[data-test=mediator-1]').waitFor()
    await check(c, '65-admin-roster')
    await page.locator('[data-test=training-submit]').click()
    await page.locator('.el-form-item.is-error .el-form-item__error').first().waitFor()
    await check(c, '66-admin-roster-refused')
  } finally {
    await c.close()
  }
})

test("the receiving court's clerk forwards a cross-region filing", async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await staffLogin(srv, c, 'filing_clerk_jb')
    await page.goto(srv.base + '/cross-region')
    await page.locator(`[data-test=cr-${crossId}]`).click()
    await page.locator('[data-test=cr-state]', { hasText: '收件法院待核验转交' }).waitFor()
    await check(c, '71-cross-region')
    await page.locator('[data-test=cr-choose-forward]').click()
    await page.locator('#cr-note').fill('身份和材料核验无误')
    await page.locator('[data-test=cr-submit]').click()
    await page.locator('[data-test=cr-forwarded]').waitFor()
    assert.match(await page.locator('[data-test=cr-forwarded]').innerText(), /渝中区人民法院/)
    await check(c, '72-cross-region-forwarded')
  } finally {
    await c.close()
  }
})

test('an institution uploads a batch with one bad row and sees its error', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await page.goto(srv.base + '/login')
    await page.getByLabel('手机号码').fill('13800000003')
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await page.locator('[data-test=login-submit]').click()
    await page.locator('[data-test=who]').waitFor()
    await page.goto(srv.base + '/filing/batches/new')
    await page.locator('[data-test=batch-court]').click()
    await page.getByRole('option', { name: '重庆市渝中区人民法院' }).click()
    await page.locator('[data-test=batch-title]').fill('2026年第一批借款纠纷')
    await page.locator('#bt-cause').fill('民间借贷')
    await page.getByRole('button', { name: '搜索' }).click()
    await page.getByRole('button', { name: /民间借贷纠纷/ }).click()
    await page.locator('[data-test=batch-cause]', { hasText: '民间借贷纠纷' }).waitFor()
    await page.locator('[data-test=batch-p-address]').fill('重庆市渝中区解放碑街道8号')
    await page.locator('[data-test=batch-p-phone]').fill('13800000003')
    await page.locator('[data-test=batch-s-address]').fill('重庆市渝中区解放碑街道8号')
    await page.locator('[data-test=batch-s-phone]').fill('13800000003')
    await page.locator('[data-test=batch-facts]').fill('被告向原告借款，约定到期归还，至今未还。')
    // No table yet: the API names the missing table, and nothing typed is lost.
    await page.locator('[data-test=batch-submit]').click()
    await page.locator('.el-form-item.is-error .el-form-item__error').first().waitFor()
    assert.equal(await page.locator('[data-test=batch-title]').inputValue(), '2026年第一批借款纠纷')
    await check(c, '81-batch-refused')
    const csv = '被告姓名/名称,被告身份证号,被告住址,标的额（元）,诉讼请求\n' +
      '李四,500103198502022330,重庆市江北区观音桥街道2号,10000.50,判令被告偿还借款10000.50元\n' +
      '王某,500103199001011233,重庆市江北区观音桥街道3号,5000,判令被告偿还借款5000元\n'
    await page.locator('[data-test=batch-file]').setInputFiles({ name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.locator('[data-test=batch-file-name]').waitFor()
    await page.locator('[data-test=batch-submit]').click()
    await page.locator('[data-test=batch-summary]').waitFor()
    assert.match(await page.locator('[data-test=batch-summary]').innerText(), /共 2 行：已提交立案 1 件，有误 1 行/)
    assert.match(await page.locator('[data-test=batch-row-2]').innerText(), /有误[\s\S]*被告身份证号：/)
    assert.match(await page.locator('[data-test=batch-row-1]').innerText(), /已提交/)
    const href = await page.locator('[data-test=batch-report]').getAttribute('href')
    const report = await page.evaluate(async (u) => (await fetch(u)).text(), href)
    assert.match(report, /行号,结果,事项编号,错误说明,原文件行号/)
    await check(c, '82-batch-result')
    // The batch is listed among the uploader's batches, leading back to its report.
    await page.goto(srv.base + '/filing/batches/new')
    await page.locator('[data-test^=batch-mine-]', { hasText: '2026年第一批借款纠纷' }).waitFor()
    assert.match(await page.locator('[data-test^=batch-mine-]').first().innerText(), /共 2 行，已提交 1 件，有误 1 行/)
    await check(c, '83-batch-mine')
  } finally {
    await c.close()
  }
})
