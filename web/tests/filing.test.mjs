// The filing journey in a real browser against a real server:
// register → file with an upload → the clerk asks for a correction → the
// party corrects → the clerk registers → the party sees the case number and
// the fee. Public pages and the party's pages on a phone too. Every page is
// checked by axe-core (lib/browser.mjs) and photographed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

const PASSWORD = 'Yizhan-Demo-2026'
const NEW_PHONE = '13900000009'
const NEW_PASSWORD = 'Wangwu-Files-2026'
const NEW_CID = '50010319850315241X' // GB 11643 check character computed for this test
// A minimal PDF: the server types uploads by content.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

let srv
let party
let clerk
let matterUrl = ''

before(async () => {
  srv = await startServer()
})
after(async () => {
  await party?.close()
  await clerk?.close()
  await srv?.stop()
})

async function go(c, path) {
  await c.page.goto(srv.base + path)
}

function file(name) {
  return { name, mimeType: 'application/pdf', buffer: PDF }
}

test('public pages: home with the service guide, materials checklist, fees, roster, progress', async () => {
  party = await openContext(DESKTOP)
  const { page } = party
  await go(party, '/')
  await page.getByRole('heading', { name: '诉讼服务大厅' }).waitFor()
  await check(party, '01-home')
  await page.getByLabel('案由名称').fill('民间借贷')
  await page.getByRole('button', { name: '搜索' }).click()
  await page.getByRole('button', { name: /民间借贷纠纷/ }).click()
  await page.getByRole('heading', { name: '立案材料公示清单' }).waitFor()
  assert.match(await page.locator('.materials').innerText(), /借贷关系凭证/)
  await check(party, '02-guide')
  await go(party, '/fees')
  await page.getByLabel('诉讼请求金额（元）').fill('100000')
  await page.getByRole('button', { name: '计算' }).click()
  assert.equal(await page.locator('[data-test=fee]').innerText(), '2,300.00 元')
  await check(party, '03-fees')
  await go(party, '/roster')
  await page.getByText('钱调解员').waitFor()
  await check(party, '04-roster')
  await go(party, '/progress')
  await page.getByLabel('案号').fill('（2026）渝0103民初999号')
  await page.getByLabel('查询码').fill('ABCDEFGH')
  await page.getByRole('button', { name: '查询' }).click()
  await page.locator('.general-error').waitFor()
  await check(party, '05-progress-not-found')
})

test('registration with real-name data: a bad ID is named by its field and nothing typed is lost', async () => {
  const { page } = party
  await go(party, '/register')
  await page.getByLabel('姓名', { exact: true }).fill('王五')
  await page.getByLabel('公民身份号码').fill('500103198503152410')
  await page.getByLabel('手机号码').fill(NEW_PHONE)
  await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD)
  await page.getByLabel('再次输入密码').fill(NEW_PASSWORD)
  await page.locator('[data-test=register-submit]').click()
  const err = page.locator('.el-form-item.is-error', { has: page.getByLabel('公民身份号码') })
  await err.locator('.el-form-item__error').waitFor()
  assert.match(await err.locator('.el-form-item__error').innerText(), /身份/)
  assert.equal(await page.getByLabel('姓名', { exact: true }).inputValue(), '王五')
  assert.equal(await page.getByLabel('手机号码').inputValue(), NEW_PHONE)
  await check(party, '06-register-error')
  await page.getByLabel('公民身份号码').fill(NEW_CID)
  await page.locator('[data-test=register-submit]').click()
  await page.waitForURL('**/matters')
  assert.match(await page.locator('[data-test=who]').innerText(), /王五/)
  await check(party, '07-my-matters-empty')
})

test('the filing wizard: cause, checklist, parties, claims, upload, service address, fee, submit', async () => {
  const { page } = party
  await go(party, '/filing/new')
  await page.getByLabel('案由名称').fill('民间借贷')
  await page.getByRole('button', { name: '搜索' }).click()
  await page.getByRole('button', { name: /民间借贷纠纷/ }).click()
  await page.locator('[data-test=chosen-cause]').waitFor()
  await check(party, '08-wizard-cause')
  await page.locator('[data-test=next]').click()
  await page.getByText('借贷关系凭证').first().waitFor()
  await check(party, '09-wizard-checklist')
  await page.locator('[data-test=next]').click()
  const p0 = page.locator('[data-test=party-0]')
  assert.equal(await p0.getByLabel('姓名或名称').inputValue(), '王五')
  await p0.locator('label.el-radio', { hasText: '男' }).click()
  await p0.getByLabel('公民身份号码').fill(NEW_CID)
  await p0.getByLabel('住所或经常居住地').fill('重庆市渝中区解放碑街道8号')
  await p0.getByLabel('联系电话').fill(NEW_PHONE)
  const p1 = page.locator('[data-test=party-1]')
  await p1.getByLabel('姓名或名称').fill('赵六')
  await p1.getByLabel('住所或经常居住地').fill('重庆市江北区观音桥街道9号')
  await check(party, '10-wizard-parties')
  await page.locator('[data-test=next]').click()
  // The claims are filled, the facts left out on purpose: the API's message must
  // come back next to the field, and the wizard must keep everything else.
  await page.getByLabel('诉讼请求', { exact: true }).fill('判令被告偿还借款本金十万元')
  await page.getByLabel('诉讼请求金额（元）').fill('100000')
  await check(party, '11-wizard-claims')
  await page.locator('[data-test=next]').click()
  await page.locator('[data-test="upload-G1"]').setInputFiles(file('起诉状.pdf'))
  await page.getByText('已上传：起诉状.pdf').waitFor()
  await check(party, '12-wizard-uploads')
  await page.locator('[data-test=next]').click()
  await page.getByRole('button', { name: '与原告地址、电话相同' }).click()
  assert.equal(await page.getByRole('textbox', { name: '送达地址', exact: true }).inputValue(), '重庆市渝中区解放碑街道8号')
  await check(party, '13-wizard-service')
  await page.locator('[data-test=next]').click()
  assert.equal(await page.locator('[data-test=quote]').innerText(), '2,300.00 元')
  await check(party, '14-wizard-fee')
  await page.locator('[data-test=next]').click()
  await page.locator('[data-test=submit]').click()
  // Refused: back on the claims step with the message by the facts field.
  const facts = page.locator('.el-form-item.is-error', { has: page.getByLabel('事实与理由') })
  await facts.locator('.el-form-item__error').waitFor()
  assert.match(await facts.locator('.el-form-item__error').innerText(), /事实与理由/)
  assert.equal(await page.getByLabel('诉讼请求', { exact: true }).inputValue(), '判令被告偿还借款本金十万元')
  await check(party, '15-wizard-error-kept-input')
  await page.getByLabel('事实与理由').fill('2025年3月1日被告向原告借款十万元，约定半年后归还，至今未还。')
  for (let i = 0; i < 4; i++) await page.locator('[data-test=next]').click()
  await page.locator('[data-test=submit]').click()
  await page.waitForURL(/\/matters\/\d+$/)
  matterUrl = new URL(page.url()).pathname
  assert.equal(await page.locator('[data-test=state]').innerText(), '待审查')
  await page.getByText('提交立案申请').first().waitFor()
  await check(party, '16-matter-submitted')
})

test('the clerk logs in with TOTP and sends the one-time correction notice', async () => {
  clerk = await openContext(DESKTOP)
  const { page } = clerk
  await go(clerk, '/login')
  await page.locator('label', { hasText: '法院工作人员' }).click()
  await page.getByLabel('工作账号').fill('filing_clerk')
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByLabel('动态验证码（6 位数字）').fill(srv.totp('filing_clerk'))
  await check(clerk, '17-clerk-login')
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL('**/clerk/queue')
  const id = matterUrl.split('/').pop()
  await page.locator(`[data-test=queue-${id}]`).waitFor()
  await check(clerk, '18-clerk-queue')
  await page.locator(`[data-test=queue-${id}]`).click()
  await page.getByText('按公示清单缺少以下必交材料：').waitFor()
  await check(clerk, '19-clerk-review')
  await page.locator('[data-test=choose-correction]').click()
  const first = page.getByLabel('补正内容').first()
  assert.match(await first.inputValue(), /^请补充：/)
  await page.getByLabel('说明', { exact: true }).fill('请于十五日内补正')
  await check(clerk, '20-clerk-notice-builder')
  await page.locator('[data-test=decide]').click()
  await page.getByText('已处理，当前状态：待补正').waitFor()
  await check(clerk, '21-clerk-correction-sent')
})

test('the party reads the notice and corrects: sealed data entered again, the missing file uploaded', async () => {
  const { page } = party
  await go(party, matterUrl)
  await page.locator('[data-test=correction-items] li').first().waitFor()
  assert.equal(await page.locator('[data-test=state]').innerText(), '待补正')
  await check(party, '22-party-correction-notice')
  await page.locator('[data-test=go-correct]').click()
  await page.waitForURL(/\/correct$/)
  await page.locator('#notice-h').waitFor() // the application and its notice are loaded
  await page.locator('[data-test=next]').click()
  await page.locator('[data-test=next]').click()
  const p0 = page.locator('[data-test=party-0]')
  assert.equal(await p0.getByLabel('姓名或名称').inputValue(), '王五')
  await p0.getByLabel('公民身份号码').fill(NEW_CID)
  await p0.getByLabel('住所或经常居住地').fill('重庆市渝中区解放碑街道8号')
  await p0.getByLabel('联系电话').fill(NEW_PHONE)
  await page.locator('[data-test=party-1]').getByLabel('住所或经常居住地').fill('重庆市江北区观音桥街道9号')
  await check(party, '23-correct-parties')
  await page.locator('[data-test=next]').click()
  await page.locator('[data-test=next]').click()
  for (const code of ['G2', 'G3', 'G4', '103.3-1']) {
    const input = page.locator(`[data-test="upload-${code}"]`)
    if (await input.count()) {
      await input.setInputFiles(file(`${code}.pdf`))
      await page.getByText(`已上传：${code}.pdf`).waitFor()
    }
  }
  await check(party, '24-correct-uploads')
  await page.locator('[data-test=next]').click()
  await page.getByRole('button', { name: '与原告地址、电话相同' }).click()
  await page.locator('[data-test=next]').click()
  await page.locator('[data-test=next]').click()
  await page.getByLabel('补正说明（可不填）').fill('已按通知补充材料')
  await page.locator('[data-test=submit]').click()
  await page.waitForURL(new RegExp(`${matterUrl}$`))
  await page.locator('[data-test=state]', { hasText: '待审查' }).waitFor()
  await check(party, '25-party-corrected')
})

test('the clerk registers; the party sees the case number and the fee', async () => {
  const { page } = clerk
  await page.reload()
  await page.locator('[data-test=choose-register]').click()
  await page.locator('[data-test=decide]').click()
  await page.getByText('已处理，当前状态：已立案').waitFor()
  const number = await page.locator('[data-test=case-number]').innerText()
  assert.match(number, /^（\d{4}）渝0103民初\d+号$/)
  await check(clerk, '26-clerk-registered')

  await go(party, matterUrl)
  await party.page.locator('[data-test=case-number]').waitFor()
  assert.equal(await party.page.locator('[data-test=case-number]').innerText(), number)
  assert.equal(await party.page.locator('[data-test=fee]').innerText(), '2,300.00 元')
  assert.match(await party.page.locator('[data-test=query-code]').innerText(), /^\S{8}$/)
  // The history reads as words, the effects included.
  await party.page.getByText('编定案号').waitFor()
  await party.page.getByText('一次性告知补正').first().waitFor()
  await check(party, '27-party-case-number-and-fee')
  // Nothing sensitive kept by the page: no storage, and a session cookie scripts cannot read.
  const kept = await party.page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }))
  assert.deepEqual(kept, { local: 0, session: 0, cookie: '' })
  await go(party, '/notifications')
  await party.page.getByText(/事项进展/).first().waitFor()
  await check(party, '28-party-notifications')
})

test('查看完整号码: the clerk states a reason, sees the full ID once, and the history says so', async () => {
  const { page } = clerk
  await page.reload()
  const button = page.locator('[data-test=unmask-0-citizen_id]')
  await button.waitFor()
  // The page itself shows only the masked form.
  assert.ok(!(await page.locator('main').innerText()).includes(NEW_CID))
  await button.click()
  const dialog = page.getByRole('dialog')
  await dialog.getByText('查看行为将记入案件留痕').waitFor()
  // No reason: the server's field error is shown by the field, nothing is revealed.
  await dialog.locator('[data-test=unmask-submit]').click()
  await dialog.getByText('请填写查看理由').waitFor()
  assert.equal(await dialog.locator('[data-test=unmask-value]').count(), 0)
  await dialog.getByLabel('查看理由').fill('立案时核对当事人身份')
  await check(clerk, '26b-clerk-unmask-reason')
  await dialog.locator('[data-test=unmask-submit]').click()
  assert.equal(await dialog.locator('[data-test=unmask-value]').innerText(), NEW_CID)
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()
  await dialog.waitFor({ state: 'hidden' })
  // Closed: the number is gone from the page; the history names the view and its reason.
  await page.reload()
  await page.getByText('查看完整个人信息：第1号当事人的身份证号码，理由：立案时核对当事人身份').waitFor()
  assert.ok(!(await page.locator('body').innerText()).includes(NEW_CID))
})

test('phone width: public pages, login, my matters, the registered matter, the wizard', async () => {
  const phone = await openContext(PHONE)
  try {
    const { page } = phone
    await go(phone, '/')
    await page.getByRole('heading', { name: '诉讼服务大厅' }).waitFor()
    await check(phone, '01-home')
    await go(phone, '/fees')
    await check(phone, '02-fees')
    await go(phone, '/login')
    await page.getByLabel('手机号码').fill(NEW_PHONE)
    await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD)
    await check(phone, '03-login')
    await page.locator('[data-test=login-submit]').click()
    await page.waitForURL('**/matters')
    await check(phone, '04-my-matters')
    await go(phone, matterUrl)
    await page.locator('[data-test=case-number]').waitFor()
    await check(phone, '05-matter-registered')
    await go(phone, '/filing/new')
    await page.getByLabel('案由名称').waitFor()
    await check(phone, '06-wizard')
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the wizard is ${overflow}px wider than the phone`)
  } finally {
    await phone.close()
  }
})
