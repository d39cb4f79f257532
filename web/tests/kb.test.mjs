// The knowledge base page (法律问答) in a real browser against a real server:
// anyone searches in their own words and gets the best-matching question
// first, the search stays in the address (a link to it opens the results),
// long answers unfold, a question with nothing to search for gets the API's
// Chinese message under the field; the hotline agent finds the page in the
// menu and searches at phone width. Every state is checked by axe-core and
// photographed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from './lib/server.mjs'
import { PASSWORD } from './lib/api.mjs'
import { openContext, check, DESKTOP, PHONE } from './lib/browser.mjs'

let srv

before(async () => {
  srv = await startServer()
})
after(async () => {
  await srv?.stop()
})

test('anyone searches the knowledge base and reads an answer', async () => {
  const c = await openContext(DESKTOP)
  try {
    const { page } = c
    await page.goto(srv.base + '/kb')
    await page.locator('main h1', { hasText: '法律问答' }).waitFor()
    await check(c, 'kb-01-empty')

    await page.getByLabel('您想咨询什么法律问题？').fill('谁可以成为个体工商户？')
    await page.locator('[data-test=kb-search]').click()
    const entries = page.locator('[data-test=kb-entry]')
    await entries.first().waitFor()
    assert.equal((await entries.first().locator('h2').innerText()).trim(), '谁可以成为个体工商户？')
    assert.ok((await entries.count()) > 1)
    assert.equal(new URL(page.url()).searchParams.get('q'), '谁可以成为个体工商户？')
    await page.locator('[data-test=kb-results]', { hasText: '最相关的在前' }).waitFor()

    // A long answer is cut and unfolds in full.
    // (by position: once unfolded the entry no longer has a 展开全文 button)
    let i = 0
    while ((await entries.nth(i).getByRole('button', { name: '展开全文' }).count()) === 0) i++
    const entry = entries.nth(i)
    const before = (await entry.locator('.answer').innerText()).length
    await entry.getByRole('button', { name: '展开全文' }).click()
    await entry.getByRole('button', { name: '收起' }).waitFor()
    assert.ok((await entry.locator('.answer').innerText()).length > before)
    await check(c, 'kb-02-results')

    // Nothing to search for: the API's message under the field, nothing listed.
    await page.getByLabel('您想咨询什么法律问题？').fill('？？！')
    await page.locator('[data-test=kb-search]').click()
    await page.getByRole('alert').filter({ hasText: '问题中没有可检索的汉字、字母或数字' }).waitFor()
    assert.equal(await page.locator('[data-test=kb-entry]').count(), 0)
    await check(c, 'kb-03-nothing-to-search')

    // A link to a search opens with its results; an example question searches.
    await page.goto(srv.base + '/kb?q=' + encodeURIComponent('离婚'))
    await page.locator('[data-test=kb-entry]').first().waitFor()
    assert.equal(await page.getByLabel('您想咨询什么法律问题？').inputValue(), '离婚')
    await page.getByRole('button', { name: '工伤赔偿' }).click()
    await page.locator('[data-test=kb-results]', { hasText: '与“工伤赔偿”相关的问答' }).waitFor()
    assert.equal(new URL(page.url()).searchParams.get('q'), '工伤赔偿')
  } finally {
    await c.close()
  }
})

test('the hotline agent opens 法律问答 from the menu and searches at phone width', async () => {
  const c = await openContext(PHONE)
  try {
    const { page } = c
    await page.goto(srv.base + '/login')
    await page.locator('label', { hasText: '法院工作人员' }).click()
    await page.getByLabel('工作账号').fill('hotline_agent')
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
    await page.getByLabel('动态验证码（6 位数字）').fill(srv.totp('hotline_agent'))
    await page.locator('[data-test=login-submit]').click()
    await page.locator('[data-test=who]', { hasText: '蒋坐席' }).waitFor()
    await page.locator('nav.app-nav a[href="/kb"]').click()
    await page.locator('main h1', { hasText: '法律问答' }).waitFor()
    await page.getByLabel('您想咨询什么法律问题？').fill('借款不还怎么起诉')
    await page.keyboard.press('Enter')
    await page.locator('[data-test=kb-entry]').first().waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`)
    await check(c, 'kb-04-hotline-phone')
  } finally {
    await c.close()
  }
})
