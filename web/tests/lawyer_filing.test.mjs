// A lawyer files for a client in a real browser against a real server: the
// wizard prefills the lawyer as the plaintiff's agent, the power of attorney
// and one evidence item are uploaded, a bad licence number comes back in
// Chinese next to its input (everything typed kept), is corrected, and the
// stored application holds the agent and the evidence list. Desktop and phone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'
import { partyLogin } from './lib/login.mjs'

const LAWYER = '13800000004' // 赵律师 of the demo data (src/cli/demo.c)
const LICENCE = '15001201010000001'
const CLIENT_CID = '50010319850315241X'
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

let srv

before(async () => {
  srv = await startServer()
})
after(async () => {
  await srv?.stop()
})

const file = (name) => ({ name, mimeType: 'application/pdf', buffer: PDF })

for (const device of [DESKTOP, PHONE]) {
  test(`${device.name}: a lawyer files with an agent and an evidence item; a bad licence number is named and corrected`, async () => {
    const c = await openContext(device)
    const tag = (s) => `lw${s}`
    try {
      const { page } = c
      await partyLogin(srv, c, LAWYER)
      await page.goto(srv.base + '/filing/new')
      await page.getByLabel('案由名称').fill('民间借贷')
      await page.getByRole('button', { name: '搜索' }).click()
      await page.getByRole('button', { name: /民间借贷纠纷/ }).click()
      await page.locator('[data-test=chosen-cause]').waitFor()
      await page.locator('[data-test=next]').click()
      await page.locator('[data-test=next]').click()

      // Parties: the client is the plaintiff; the lawyer is prefilled as agent.
      const p0 = page.locator('[data-test=party-0]')
      assert.equal(await p0.getByLabel('姓名或名称').inputValue(), '')
      await p0.getByLabel('姓名或名称').fill('钱七')
      await p0.locator('label.el-radio', { hasText: '男' }).click()
      await p0.getByLabel('公民身份号码').fill(CLIENT_CID)
      await p0.getByLabel('住所或经常居住地').fill('重庆市渝中区解放碑街道8号')
      await p0.getByLabel('联系电话').fill('13900000011')
      const p1 = page.locator('[data-test=party-1]')
      await p1.getByLabel('姓名或名称').fill('孙八')
      await p1.getByLabel('住所或经常居住地').fill('重庆市江北区观音桥街道9号')
      const a0 = page.locator('[data-test=agent-0]')
      assert.equal(await a0.getByLabel('代理人姓名').inputValue(), '赵律师')
      assert.equal(await a0.getByLabel('律师执业证号（17 位）').inputValue(), LICENCE)
      assert.equal(await a0.getByLabel('执业机构').inputValue(), '重庆示例律师事务所')
      assert.equal(await a0.getByLabel('代理的当事人').inputValue(), '0')
      // One digit short: the API must name this field.
      await a0.getByLabel('律师执业证号（17 位）').fill(LICENCE.slice(0, 16))
      await a0.locator('[data-test=agent-0-poa]').setInputFiles(file('授权委托书.pdf'))
      await a0.getByText('已上传：授权委托书.pdf').waitFor()
      await check(c, tag('01-parties-agent'))
      await page.locator('[data-test=next]').click()

      await page.getByLabel('诉讼请求', { exact: true }).fill('判令被告偿还借款本金十万元')
      await page.getByLabel('事实与理由').fill('2025年3月1日被告向原告借款十万元，约定半年后归还，至今未还。')
      await page.getByLabel('诉讼请求金额（元）').fill('100000')
      await page.locator('[data-test=next]').click()

      // Uploads: the complaint, and the evidence list with one item and its file.
      await page.locator('[data-test="upload-G1"]').setInputFiles(file('起诉状.pdf'))
      await page.getByText('已上传：起诉状.pdf').waitFor()
      await page.locator('[data-test=add-evidence]').click()
      const e0 = page.locator('[data-test=evidence-0]')
      await e0.getByLabel('证据名称').fill('借条')
      await e0.getByLabel('证据来源').fill('原告持有原件')
      await e0.getByLabel('证明目的').fill('证明被告于2025年3月1日向原告借款十万元')
      await e0.locator('[data-test=evidence-0-file]').setInputFiles(file('借条.pdf'))
      await e0.getByText('已上传：借条.pdf').waitFor()
      await check(c, tag('02-uploads-evidence'))
      await page.locator('[data-test=next]').click()
      await page.getByRole('button', { name: '与原告地址、电话相同' }).click()
      await page.locator('[data-test=next]').click()
      await page.locator('[data-test=next]').click()
      await page.locator('[data-test=submit]').click()

      // Refused: back on the parties step, the Chinese message by the licence input.
      const bad = a0.locator('.el-form-item.is-error', { has: page.getByLabel('律师执业证号（17 位）') })
      await bad.locator('.el-form-item__error').waitFor()
      assert.match(await bad.locator('.el-form-item__error').innerText(), /[\u4e00-\u9fff]/)
      assert.match(await bad.locator('.el-form-item__error').innerText(), /执业证号|位/)
      assert.equal(await a0.getByLabel('律师执业证号（17 位）').inputValue(), LICENCE.slice(0, 16))
      assert.equal(await p0.getByLabel('姓名或名称').inputValue(), '钱七')
      await check(c, tag('03-agent-error-kept-input'))
      await a0.getByLabel('律师执业证号（17 位）').fill(LICENCE)
      for (let i = 0; i < 5; i++) await page.locator('[data-test=next]').click()
      await page.locator('[data-test=submit]').click()
      await page.waitForURL(/\/matters\/\d+$/)
      await page.locator('[data-test=state]', { hasText: '待审查' }).waitFor()
      await check(c, tag('04-submitted'))

      // The stored application holds the agent and the evidence item.
      const id = new URL(page.url()).pathname.split('/').pop()
      const app = await page.evaluate(async (id) => (await (await fetch(`/api/v1/matters/${id}`)).json()).data.application, id)
      assert.equal(app.agents.length, 1)
      assert.equal(app.agents[0].name, '赵律师')
      assert.equal(app.agents[0].licence_no, LICENCE)
      assert.equal(app.agents[0].party, 0)
      assert.ok(app.agents[0].power_of_attorney > 0)
      assert.equal(app.evidence.length, 1)
      assert.equal(app.evidence[0].name, '借条')
      assert.ok(app.evidence[0].attachment > 0)
      if (device === PHONE) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`)
      }
    } finally {
      await c.close()
    }
  })
}
