// Stored XSS (SECURITY.md T6): hostile strings are stored through the API in
// every text field a user can set that a page of the UI shows, then every page
// that shows them is rendered in Debian's chromium as every role that can see
// them. Nothing may execute: the test fails on a dialog (the payloads call
// alert), on the global flag the payloads set (yzx), on a
// securitypolicyviolation event or a CSP console message (an injected handler
// blocked by the policy is still an injection), and on any event-handler
// attribute, srcdoc or javascript: link in the DOM. Each page must also show
// the stored strings as text (tokens X<payload>F<field>), so a page that
// renders nothing cannot pass. The HTML's Content-Security-Policy is checked.
// The newest pages have their own test: the mediation room (the delegation's
// reason, sessions, minutes, messages, the agreement) as party, mediator and
// court admin; staff, teams and the roster administration (a staff name, a
// team, an organisation and its region, a training) as court admin and
// judge; the receiving court's cross-region queue and case; a bulk filing
// whose CSV rows carry the strings, as the institution and the court; fee
// relief (the reason and the decision's reasons) as party and court admin.
// A field too short for a string (team names: 40) gets a short hostile one.
//
// `make ui-test` runs a subset of the payloads; `make proof` sets
// YZ_XSS_FULL=1 (scripts/proof/stored_xss.sh) for the whole corpus.
// Figures: fields × pages × roles rendered with payloads, executed: 0.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { startServer } from './lib/server.mjs'
import { openContext, DESKTOP } from './lib/browser.mjs'

const PASSWORD = 'Yizhan-Demo-2026'
const FULL = process.env.YZ_XSS_FULL === '1'

// The corpus: N is replaced by the payload's number. Each payload sets the
// global yzx and opens a dialog when it runs. Bidi overrides and zero-width
// characters are refused by every text field (src/core/utf8.h; tests/api/
// test_hidden_chars.c and the malformed-input proof), so they are not here.
const RUN = 'yzx=N;alert(N)'
const CORPUS = [
  `<img src=x onerror="${RUN}">`,
  `{{constructor.constructor('${RUN}')()}}`,
  `＜script＞${RUN}＜/script＞<svg/onload=${RUN}>`,
  `<script>${RUN}</script>`,
  `<svg onload="${RUN}"><circle r=9></circle></svg>`,
  `"><img src=x onerror=${RUN}>`,
  `'><svg/onload=${RUN}>`,
  `javascript:${RUN}`,
  `<a href="javascript:${RUN}">点我N</a>`,
  `<iframe srcdoc="<script>parent.${RUN}</script>"></iframe>`,
  `<details open ontoggle="${RUN}">张三</details>`,
  `{{_c.constructor('${RUN}')()}}\${${RUN}}`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${RUN}>`,
  `&lt;img src=x onerror=${RUN}&gt;%3Cscript%3E${RUN}%3C/script%3E`,
  `张<scr<script>ipt>${RUN}</script>三<body onload=${RUN}>`,
  `<input autofocus onfocus=${RUN}>`,
]
const PAYLOADS = (FULL ? CORPUS : CORPUS.slice(0, 3)).map((p, i) => p.replaceAll('N', String(i + 1)))

// Fields a user sets that the UI shows; `h(f)` is the hostile value of field f.
const FIELDS = [
  'account.name', 'matter.title', 'plaintiff.name', 'defendant.name', 'defendant.address',
  'claims', 'facts', 'service.email', 'attachment.title', 'attachment.filename',
  'notice.item', 'notice.note', 'correct.note', 'register.note', 'triage.reason', 'designate.reason',
  // The newest pages (the last test): mediation room, court administration,
  // cross-region filing, bulk upload, fee relief.
  'mediation.title', 'delegate.reason', 'session.place', 'minutes', 'message', 'agreement.term',
  'staff.name', 'team.name', 'org.name', 'org.region', 'training.title',
  'cross.title', 'batch.title', 'csv.name', 'csv.address', 'csv.claims', 'relief.reason', 'relief.reasons',
]

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const NOTICES = ['多元解纷告知书', '诉讼风险告知书']
const APP_FIELDS = ['plaintiff.name', 'defendant.name', 'defendant.address', 'claims', 'facts', 'service.email']

let srv
const figures = { stored: 0, refused: 0, visits: 0, rendered: 0, executed: 0 }
const refusedFields = new Set()
const matters = [] // { p, id, party }
const contexts = {}
const apis = {}

/** Citizen ID with its GB 11643 check character (a new one per payload). */
function citizenId(seq) {
  const body = `50010319850315${String(200 + seq).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i], 0)
  return body + '10X98765432'[sum % 11]
}

function hostile(p, field) {
  return `X${p}F${FIELDS.indexOf(field)} ${PAYLOADS[p - 1]}`
}

/** An API client of one cookie session (the browser reuses the cookie: staff log in once per TOTP step). */
async function login(login, totp) {
  const res = await fetch(srv.base + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(totp ? { login, password: PASSWORD, totp } : { login, password: PASSWORD }),
  })
  const body = await res.json()
  assert.equal(res.status, 200, `login ${login}: ${JSON.stringify(body)}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const call = async (method, path, json, { form, expectOk = true } = {}) => {
    const headers = { Cookie: cookie, 'X-CSRF-Token': body.csrf_token, 'Idempotency-Key': randomUUID().replaceAll('-', '') }
    if (!form) headers['Content-Type'] = 'application/json'
    const r = await fetch(srv.base + '/api/v1' + path, { method, headers, body: form ?? (json ? JSON.stringify(json) : undefined) })
    const out = await r.json()
    if (expectOk) assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(out)}`)
    return { status: r.status, body: out }
  }
  call.cookie = cookie
  call.user = body.user
  return call
}

function application(p, attachments) {
  return {
    cause_code: '108.3', cause_revision: 2025, case_type: '民初',
    parties: [
      { role: 'plaintiff', kind: 'natural', name: hostile(p, 'plaintiff.name'), sex: 'male', citizen_id: citizenId(p), address: '重庆市渝中区解放碑街道1号', phone: `139000002${String(p).padStart(2, '0')}` },
      { role: 'defendant', kind: 'legal', name: hostile(p, 'defendant.name'), address: hostile(p, 'defendant.address') },
    ],
    claims: hostile(p, 'claims'), facts: hostile(p, 'facts'), amount_fen: 2000000,
    attachments,
    service_address: { address: '重庆市渝中区解放碑街道1号', phone: `139000002${String(p).padStart(2, '0')}`, email: `${hostile(p, 'service.email').replaceAll('@', '')}@example.cn`, e_service_consent: true },
  }
}

/** Stores hostile values of one or more fields in one request; a refusal (4xx) is counted, never an error. */
async function store(fields, call) {
  fields = [].concat(fields)
  const r = await call()
  if (r.status >= 200 && r.status < 300) {
    figures.stored += fields.length
    return r
  }
  assert.ok(r.status >= 400 && r.status < 500, `${fields}: ${r.status} ${JSON.stringify(r.body)}`)
  figures.refused += fields.length
  fields.forEach((f) => refusedFields.add(f))
  return null
}

async function browserAs(role, api) {
  const c = await openContext(DESKTOP)
  const url = new URL(srv.base)
  const [name, value] = api.cookie.split('=')
  await c.ctx.addCookies([{ name, value, domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Strict' }])
  c.dialogs = []
  c.page.on('dialog', async (d) => {
    c.dialogs.push(d.message())
    await d.dismiss().catch(() => {})
  })
  await c.ctx.addInitScript(() => {
    window.__yzCsp = []
    document.addEventListener('securitypolicyviolation', (e) => window.__yzCsp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`))
  })
  contexts[role] = c
  return c
}

async function closeBrowser(role) {
  await contexts[role].close()
  delete contexts[role]
}

/** Visits one page as one role; fails on any sign of execution; counts the fields shown. */
async function visit(role, path, { click = [], act } = {}) {
  const c = contexts[role]
  const { page } = c
  await page.goto(srv.base + path)
  await page.waitForLoadState('networkidle')
  await page.locator('main').waitFor()
  // Give handlers (onerror, onload, autofocus, ontoggle) their chance to run.
  await page.waitForTimeout(150)
  for (const name of click) {
    await page.getByRole('button', { name }).click()
    await page.waitForLoadState('networkidle')
  }
  if (act) {
    await act(page)
    await page.waitForLoadState('networkidle')
  }
  await page.waitForTimeout(50)
  const seen = await page.evaluate(() => ({
    flag: window.yzx ?? null,
    csp: window.__yzCsp ?? [],
    text: document.body.innerText,
    injected: [...document.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes]
        .filter((a) => /^on/i.test(a.name) || a.name === 'srcdoc' || (/^(href|src|action|formaction)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)))
        .map((a) => `<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`)),
  }))
  figures.visits++
  const where = `${role} ${path}`
  const problems = [
    ...c.dialogs.splice(0).map((m) => `dialog ${m}`),
    ...(seen.flag !== null ? [`window.yzx = ${seen.flag}`] : []),
    ...seen.csp.map((v) => `CSP violation ${v}`),
    ...seen.injected.map((a) => `injected ${a}`),
    ...c.problems.splice(0),
  ]
  if (problems.length) figures.executed++
  assert.deepEqual(problems, [], `${where}: a stored payload ran or was injected`)
  const shown = new Set(seen.text.match(/X\d+F\d+/g) ?? [])
  figures.rendered += shown.size
  if (process.env.YZ_XSS_DEBUG) console.log(where, [...shown].join(' '))
  return shown
}

function expectShown(shown, p, fields, where) {
  // The server keeps only a file name's last path component: a payload with a
  // slash loses its token there, as it should.
  const dropped = (f) => refusedFields.has(f) || (f === 'attachment.filename' && /[/\\]/.test(PAYLOADS[p - 1]))
  const missing = fields.filter((f) => !dropped(f) && !shown.has(`X${p}F${FIELDS.indexOf(f)}`))
  assert.deepEqual(missing, [], `${where}: payload ${p} not shown as text for these fields`)
}

before(async () => {
  srv = await startServer()
  apis.clerkJb = await login('filing_clerk_jb', srv.totp('filing_clerk_jb'))
  apis.clerk = await login('filing_clerk', srv.totp('filing_clerk'))
  apis.triage = await login('triage_officer', srv.totp('triage_officer'))
  apis.admin = await login('court_admin', srv.totp('court_admin'))
  apis.judge = await login('judge', srv.totp('judge'))
})
after(async () => {
  for (const c of Object.values(contexts)) await c.close()
  await srv?.stop()
  console.log(`stored XSS: ${PAYLOADS.length} payloads × ${FIELDS.length} fields: ${figures.stored} stored, ${figures.refused} refused (${[...refusedFields].join(', ') || 'none'}); ` +
    `${figures.visits} page visits, ${figures.rendered} fields × pages × roles rendered with payloads, executed: ${figures.executed}`)
})

test('the HTML carries the strict Content-Security-Policy', async () => {
  for (const path of ['/', '/matters/1', '/clerk/queue', '/index.html']) {
    const r = await fetch(srv.base + path)
    assert.equal(r.status, 200, path)
    assert.match(r.headers.get('content-type'), /^text\/html/, path)
    const csp = Object.fromEntries(r.headers.get('content-security-policy').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    assert.deepEqual(csp['script-src'], ["'self'"], `${path}: script-src`)
    assert.deepEqual(csp['default-src'], ["'self'"], `${path}: default-src`)
    assert.deepEqual(csp['object-src'], ["'none'"], `${path}: object-src`)
    assert.deepEqual(csp['base-uri'], ["'none'"], `${path}: base-uri`)
    assert.deepEqual(csp['frame-ancestors'], ["'none'"], `${path}: frame-ancestors`)
    assert.ok(!csp['script-src-attr'] && !csp['script-src-elem'], `${path}: no script-src override`)
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff')
  }
})

test('hostile strings are stored through the API in every text field the UI shows', async () => {
  const courts = await (await fetch(srv.base + '/api/v1/courts')).json()
  const court = courts.items.find((c) => c.code === '渝0103').id
  for (let p = 1; p <= PAYLOADS.length; p++) {
    const phone = `139000001${String(p).padStart(2, '0')}`
    const acc = await fetch(srv.base + '/api/v1/accounts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID().replaceAll('-', '') },
      body: JSON.stringify({ role: 'party', person_kind: 'natural', name: hostile(p, 'account.name'), phone, password: PASSWORD, citizen_id: citizenId(p) }),
    })
    let ok = acc.status === 201
    if (!ok) {
      // Refused name: the matter is filed by an account with a plain name.
      assert.ok(acc.status >= 400 && acc.status < 500, `register: ${acc.status}`)
      figures.refused++
      refusedFields.add('account.name')
      const again = await fetch(srv.base + '/api/v1/accounts', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID().replaceAll('-', '') },
        body: JSON.stringify({ role: 'party', person_kind: 'natural', name: '王五', phone, password: PASSWORD, citizen_id: citizenId(p) }),
      })
      assert.equal(again.status, 201)
    } else figures.stored++
    const party = await login(phone)
    const attachments = []
    for (const [field, title, filename] of [['attachment.title', hostile(p, 'attachment.title'), '起诉状.pdf'], ['attachment.filename', null, `${hostile(p, 'attachment.filename')}.pdf`]]) {
      const form = new FormData()
      form.append('file', new Blob([PDF], { type: 'application/pdf' }), filename)
      form.append('kind', 'G1')
      if (title) form.append('title', title)
      const r = await store(field, () => party('POST', '/attachments', null, { form, expectOk: false }))
      if (r) attachments.push({ id: r.body.id, material: 'G1' })
    }
    // The title and the application's six fields in one submission.
    const app = application(p, attachments)
    const m = await store(['matter.title', ...APP_FIELDS], () => party('POST', '/matters', { kind: 'filing', court_id: court, title: hostile(p, 'matter.title'), fields: { channel: 'online', application: app } }, { expectOk: false }))
    assert.ok(m, 'the filing with hostile strings was refused as a whole: store them field by field')
    const id = m.body.id
    await store(['notice.item', 'notice.note'], () => apis.clerk('POST', `/matters/${id}/events`, { event: 'request_correction', fields: { notice: { items: [{ material: 'G1', description: hostile(p, 'notice.item') }], note: hostile(p, 'notice.note') } } }, { expectOk: false }))
    matters.push({ p, id, party, app })
  }
})


test('awaiting correction: the party and the clerk see the strings as text, nothing runs', async () => {
  for (const { p, id, party } of matters) {
    await browserAs(`party${p}`, party)
    let shown = await visit(`party${p}`, '/matters')
    expectShown(shown, p, ['account.name', 'matter.title'], 'party /matters')
    // The party's page: title, correction notice and history, and the printed
    // notices, which name the parties.
    shown = await visit(`party${p}`, `/matters/${id}`, { click: NOTICES })
    expectShown(shown, p, ['account.name', 'matter.title', 'plaintiff.name', 'defendant.name', 'notice.item', 'notice.note'], `party /matters/${id}`)
    shown = await visit(`party${p}`, '/notifications')
    expectShown(shown, p, ['account.name'], 'party /notifications')
    await closeBrowser(`party${p}`)
  }
  await browserAs('filing_clerk', apis.clerk)
  await browserAs('court_admin', apis.admin)
  for (const role of ['filing_clerk', 'court_admin']) {
    const shown = await visit(role, '/clerk/queue', { act: (page) => page.locator('label', { hasText: '待补正' }).click() })
    for (const { p } of matters) expectShown(shown, p, ['matter.title'], `${role} /clerk/queue`)
    for (const { p, id } of matters) {
      const s = await visit(role, `/clerk/matters/${id}`)
      expectShown(s, p, ['matter.title', ...APP_FIELDS, 'attachment.title', 'attachment.filename', 'notice.item', 'notice.note'], `${role} /clerk/matters/${id}`)
    }
  }
})

test('registered, decided and assigned: every role that sees the case sees text only', async () => {
  const judgeId = apis.judge.user.id
  for (const { p, id, party, app } of matters) {
    await store('correct.note', () => party('POST', `/matters/${id}/events`, { event: 'correct', fields: { application: app, note: hostile(p, 'correct.note') } }, { expectOk: false }))
    await store('register.note', () => apis.clerk('POST', `/matters/${id}/events`, { event: 'register', fields: { note: hostile(p, 'register.note') } }, { expectOk: false }))
  }
  await browserAs('triage_officer', apis.triage)
  for (const role of ['triage_officer', 'court_admin']) {
    const shown = await visit(role, '/triage')
    for (const { p } of matters) expectShown(shown, p, ['matter.title'], `${role} /triage`)
  }
  for (const { p, id } of matters) {
    await store('triage.reason', () => apis.triage('POST', `/matters/${id}/events`, { event: 'decide_ordinary', fields: { reason: hostile(p, 'triage.reason') } }, { expectOk: false }))
    await store('designate.reason', () => apis.triage('POST', `/matters/${id}/events`, { event: 'designate_judge', fields: { judge_id: judgeId, reason: hostile(p, 'designate.reason') } }, { expectOk: false }))
  }
  await browserAs('judge', apis.judge)
  const HISTORY = ['notice.item', 'notice.note', 'correct.note', 'register.note', 'triage.reason', 'designate.reason']
  for (const { p, id, party } of matters) {
    await browserAs(`party${p}`, party)
    let shown = await visit(`party${p}`, '/matters')
    expectShown(shown, p, ['account.name', 'matter.title'], 'party /matters')
    shown = await visit(`party${p}`, `/matters/${id}`, { click: NOTICES })
    expectShown(shown, p, ['account.name', 'matter.title', 'plaintiff.name', 'defendant.name', ...HISTORY], `party /matters/${id}`)
    await closeBrowser(`party${p}`)
    for (const role of ['filing_clerk', 'court_admin', 'triage_officer', 'judge']) {
      shown = await visit(role, `/matters/${id}`)
      expectShown(shown, p, ['matter.title', ...HISTORY], `${role} /matters/${id}`)
    }
    for (const role of ['filing_clerk', 'court_admin']) {
      shown = await visit(role, `/clerk/matters/${id}`)
      expectShown(shown, p, ['matter.title', ...APP_FIELDS, 'attachment.title', 'attachment.filename', ...HISTORY], `${role} /clerk/matters/${id}`)
    }
    for (const role of ['triage_officer', 'court_admin']) {
      shown = await visit(role, `/triage/matters/${id}`)
      expectShown(shown, p, ['triage.reason'], `${role} /triage/matters/${id}`)
    }
  }
  const s = await visit('judge', '/matters')
  for (const { p } of matters) expectShown(s, p, ['matter.title'], 'judge /matters')
  assert.equal(figures.executed, 0)
})

/** A short hostile value for fields of at most 40 characters (team names): the payload's kind, not its text. */
function shortHostile(p, field) {
  return `X${p}F${FIELDS.indexOf(field)}<svg/onload=yzx=${p};alert(${p})>`
}

/** store(), and when the full string is refused (too long for the field) the short one. */
async function storeOrShort(p, fields, send) {
  fields = [].concat(fields)
  const full = await send((f) => hostile(p, f))
  if (full.status >= 200 && full.status < 300) {
    figures.stored += fields.length
    return full
  }
  return store(fields, () => send((f) => shortHostile(p, f)))
}

/** One CSV field, quoted (payloads hold commas, quotes and newlines' neighbours). */
const csvField = (v) => `"${String(v).replaceAll('"', '""')}"`

test('the newest pages: mediation room, administration, cross-region, bulk upload, fee relief', async () => {
  const courts = (await (await fetch(srv.base + '/api/v1/courts')).json()).items
  const court = courts.find((c) => c.code === '渝0103').id
  const jiangbei = courts.find((c) => c.code === '渝0105').id
  apis.mediator = await login('13800000005')
  apis.company = await login('13800000003')
  const made = [] // { p, mediation, cross, batch, relief, team }
  for (const { p, id, party } of matters) {
    const m = { p }
    // Mediation: applied for by the party, delegated with a reason, a session,
    // minutes, a message and an agreement.
    const med = await store(['mediation.title', ...APP_FIELDS], () => party('POST', '/matters', { kind: 'mediation', court_id: court, title: hostile(p, 'mediation.title'), fields: { channel: 'online', consent: true, application: application(p, []) } }, { expectOk: false }))
    if (med) {
      m.mediation = med.body.id
      const at = `/matters/${m.mediation}`
      await store('delegate.reason', () => apis.admin('POST', `${at}/events`, { event: 'delegate', fields: { mediator_id: 1, reason: hostile(p, 'delegate.reason') } }, { expectOk: false }))
      await apis.mediator('POST', `${at}/events`, { event: 'accept', fields: {} })
      await store('session.place', () => apis.mediator('POST', `${at}/sessions`, { starts_at: '2030-06-03T09:30:00+08:00', mode: 'online', place: hostile(p, 'session.place') }, { expectOk: false }))
      await store('minutes', () => apis.mediator('POST', `${at}/events`, { event: 'record_minutes', fields: { minutes: hostile(p, 'minutes') } }, { expectOk: false }))
      await store('message', () => apis.mediator('POST', `${at}/messages`, { text: hostile(p, 'message') }, { expectOk: false }))
      await store('agreement.term', () => apis.mediator('POST', `${at}/events`, { event: 'propose_agreement', fields: { agreement: { terms: [hostile(p, 'agreement.term')] } } }, { expectOk: false }))
    }
    // Court administration: a staff account, a team, a mediation organisation, a training.
    await store('staff.name', () => apis.admin('POST', '/staff', { username: `xss_staff_${p}`, name: hostile(p, 'staff.name'), role: 'clerk', court_id: court, password: `Xss-Staff-${p}-Pw-2026` }, { expectOk: false }))
    const team = await storeOrShort(p, 'team.name', (h) => apis.admin('POST', '/teams', { name: h('team.name'), kind: 'ordinary' }, { expectOk: false }))
    if (team) m.team = team.body.id
    await storeOrShort(p, ['org.name', 'org.region'], (h) => apis.admin('POST', '/roster/orgs', { court_id: court, name: h('org.name'), kind: 'people', region: h('org.region') }, { expectOk: false }))
    await store('training.title', () => apis.admin('POST', '/roster/mediators/1/training', { date: '2026-03-02', title: hostile(p, 'training.title'), hours: 2 }, { expectOk: false }))
    // A cross-region filing received by 渝0105 for 渝0103.
    const cross = await store(['cross.title'], () => party('POST', '/matters', { kind: 'cross_region_filing', court_id: jiangbei, title: hostile(p, 'cross.title'), fields: { target_court_id: court, application: application(p, []) } }, { expectOk: false }))
    if (cross) m.cross = cross.body.id
    // A bulk filing whose CSV rows carry the strings.
    const csv = '被告姓名/名称,被告类型,被告身份证号,被告住址,标的额（元）,诉讼请求\r\n' +
      [hostile(p, 'csv.name'), '自然人', citizenId(400 + p), hostile(p, 'csv.address'), '100', hostile(p, 'csv.claims')].map(csvField).join(',') + '\r\n'
    const template = {
      cause_code: '108.3', cause_revision: 2025, case_type: '民初', fee_kind: 'property',
      plaintiff: { kind: 'legal', name: '重庆示例商贸有限公司', credit_code: '91500103MA5U0AAA0Q', legal_rep: '王五', address: '重庆市渝中区解放碑街道8号', phone: '13800000003' },
      service_address: { address: '重庆市渝中区解放碑街道8号', phone: '13800000003', e_service_consent: true },
      facts: '被告借款未还。',
    }
    const batch = await store(['batch.title', 'csv.name', 'csv.address', 'csv.claims'], () => apis.company('POST', '/filing/batches', { court_id: court, title: hostile(p, 'batch.title'), template, csv }, { expectOk: false }))
    if (batch) {
      m.batch = batch.body.id
      m.batchMatter = batch.body.items?.[0]?.matter_id
      assert.ok(m.batchMatter, `batch ${m.batch}: no matter filed from its row: ${JSON.stringify(batch.body)}`)
    }
    // Fee relief on the registered case, denied with reasons.
    const relief = await store('relief.reason', () => party('POST', '/matters', { kind: 'fee_relief', court_id: court, title: `诉讼费用减交申请${p}`, fields: { case_matter_id: id, relief: 'reduce', ground: 'minimum_living', reason: hostile(p, 'relief.reason') } }, { expectOk: false }))
    if (relief) m.relief = relief.body.id
    made.push({ ...m, party })
  }

  // Pages that list many of them, before the fee-relief decisions empty the queue.
  // (The court admin's and the judge's browsers are open from the tests above, unless they were skipped.)
  if (!contexts.court_admin) await browserAs('court_admin', apis.admin)
  if (!contexts.judge) await browserAs('judge', apis.judge)
  await browserAs('mediator', apis.mediator)
  await browserAs('filing_clerk_jb', apis.clerkJb)
  await browserAs('company', apis.company)
  let shown = await visit('court_admin', '/fee-relief')
  for (const { p, relief } of made) if (relief) expectShown(shown, p, [], 'court_admin /fee-relief')
  for (const { p, relief } of made) {
    if (relief) await store('relief.reasons', () => apis.admin('POST', `/matters/${relief}/events`, { event: 'deny', fields: { reasons: hostile(p, 'relief.reasons') } }, { expectOk: false }))
  }
  shown = await visit('mediator', '/mediation')
  for (const { p } of made) expectShown(shown, p, ['mediation.title'], 'mediator /mediation')
  shown = await visit('court_admin', '/admin/staff')
  for (const { p } of made) expectShown(shown, p, ['staff.name'], 'court_admin /admin/staff')
  shown = await visit('court_admin', '/teams')
  for (const { p } of made) expectShown(shown, p, ['team.name'], 'court_admin /teams')
  shown = await visit('court_admin', '/admin/roster')
  for (const { p } of made) expectShown(shown, p, ['org.name'], 'court_admin /admin/roster')
  shown = await visit('judge', '/teams')
  for (const { p } of made) expectShown(shown, p, ['team.name'], 'judge /teams')
  shown = await visit('filing_clerk_jb', '/cross-region')
  for (const { p } of made) expectShown(shown, p, ['cross.title'], 'filing_clerk_jb /cross-region')
  shown = await visit('company', '/filing/batches/new')
  for (const { p } of made) expectShown(shown, p, ['batch.title'], 'company /filing/batches/new')

  for (const { p, mediation, cross, batch, batchMatter, relief, team, party } of made) {
    if (team) {
      shown = await visit('court_admin', `/teams/${team}`)
      expectShown(shown, p, ['team.name'], `court_admin /teams/${team}`)
    }
    if (mediation) {
      const room = ['mediation.title', 'session.place', 'minutes', 'message', 'agreement.term']
      for (const role of ['mediator', 'court_admin']) {
        shown = await visit(role, `/mediation/${mediation}`)
        expectShown(shown, p, room, `${role} /mediation/${mediation}`)
      }
    }
    if (cross) {
      shown = await visit('filing_clerk_jb', `/cross-region/${cross}`)
      expectShown(shown, p, ['cross.title', ...APP_FIELDS], `filing_clerk_jb /cross-region/${cross}`)
    }
    if (batch) {
      shown = await visit('company', `/filing/batches/${batch}`)
      expectShown(shown, p, ['batch.title'], `company /filing/batches/${batch}`)
    }
    if (batchMatter) {
      shown = await visit('company', `/matters/${batchMatter}`)
      expectShown(shown, p, ['csv.name'], `company /matters/${batchMatter}`)
      shown = await visit('court_admin', `/clerk/matters/${batchMatter}`)
      expectShown(shown, p, ['csv.name', 'csv.claims'], `court_admin /clerk/matters/${batchMatter}`)
    }
    await browserAs(`party${p}`, party)
    if (mediation) {
      shown = await visit(`party${p}`, `/mediation/${mediation}`)
      expectShown(shown, p, ['mediation.title', 'session.place', 'minutes', 'message', 'agreement.term'], `party /mediation/${mediation}`)
    }
    if (relief) {
      for (const role of [`party${p}`, 'court_admin']) {
        shown = await visit(role, `/fee-relief/${relief}`)
        expectShown(shown, p, ['relief.reason', 'relief.reasons'], `${role} /fee-relief/${relief}`)
      }
    }
    await closeBrowser(`party${p}`)
  }
  shown = await visit('judge', '/roster')
  for (const { p } of made) expectShown(shown, p, ['org.name'], 'judge /roster')
  assert.equal(figures.executed, 0)
})
