// A minimal API client for setting up browser tests: the session cookie and
// the CSRF token of one login; every request carries a fresh Idempotency-Key
// and must succeed.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'

export const PASSWORD = 'Yizhan-Demo-2026'

export async function apiLogin(srv, login, totp) {
  const res = await fetch(srv.base + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(totp ? { login, password: PASSWORD, totp } : { login, password: PASSWORD }),
  })
  assert.equal(res.status, 200, `login ${login}`)
  const cookie = res.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await res.json()
  return async (method, path, body) => {
    const r = await fetch(srv.base + '/api/v1' + path, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf, 'Idempotency-Key': randomUUID().replaceAll('-', '') },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = await r.json()
    assert.ok(r.ok, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`)
    return json
  }
}
