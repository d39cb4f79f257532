// Debian's chromium driven by playwright-core: headless, no sandbox (root
// in CI), no GPU, no background networking, a fresh user-data directory per
// context. Every page visited is checked: axe-core (no serious or critical
// violation), no Content-Security-Policy violation, no missing i18n key, no
// uncaught error; and a screenshot of each step goes to build/ui-test-output/.
import { chromium } from 'playwright-core'
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import assert from 'node:assert/strict'

const require = createRequire(import.meta.url)
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
export const OUT = fileURLToPath(new URL('../../../build/ui-test-output', import.meta.url))
const CHROMIUM = process.env.YZ_CHROMIUM ?? '/usr/bin/chromium'

export const DESKTOP = { name: 'desktop', viewport: { width: 1280, height: 900 } }
export const PHONE = { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

export async function openContext(device) {
  const profile = mkdtempSync(join(tmpdir(), 'yz-chromium-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    viewport: device.viewport,
    isMobile: device.isMobile,
    hasTouch: device.hasTouch,
    deviceScaleFactor: device.deviceScaleFactor,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // The theme stops transitions for users who ask for less motion; the tests
    // ask too, so axe never judges a tag halfway through its fade-in.
    reducedMotion: 'reduce',
  })
  const problems = []
  const watch = (page) => {
    page.on('console', (m) => {
      const text = m.text()
      if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) problems.push(`CSP: ${text}`)
      if (/\[intlify\]/.test(text)) problems.push(`i18n: ${text}`)
    })
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  }
  ctx.pages().forEach(watch)
  ctx.on('page', watch)
  const page = ctx.pages()[0] ?? (await ctx.newPage())
  page.setDefaultTimeout(15000)
  mkdirSync(OUT, { recursive: true })
  return {
    ctx, page, device,
    problems,
    async close() {
      await ctx.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Waits for the page to settle, runs axe-core, saves a screenshot, fails on any problem seen. */
export async function check(c, step) {
  const { page } = c
  await page.waitForLoadState('networkidle')
  await page.evaluate(() => document.fonts?.ready)
  // Element Plus fades tags and alerts in: judge the colours once they have
  // settled, including any animation started by a late render.
  await page.evaluate(async () => {
    for (let round = 0; round < 20; round++) {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
      // A spinner loops forever; only animations that end are waited for.
      const running = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
      if (running.length === 0) return
      await Promise.all(running.map((a) => a.finished.catch(() => null)))
    }
  })
  await page.screenshot({ path: join(OUT, `${c.device.name}-${step}.png`), fullPage: true })
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE)
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  )
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').join(' ')}`).join('\n'))
  assert.deepEqual(report, [], `axe on ${c.device.name} ${step} (${page.url()}):\n${report.join('\n')}`)
  const problems = c.problems.splice(0)
  assert.deepEqual(problems, [], `${c.device.name} ${step}: problems in the browser`)
}
