// A real yizhan release server for the browser tests: a fresh `init --demo`
// data directory, the built UI as web root, a loopback port whose origin is
// the server's public_origin (the CSRF check compares Origin with it).
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync, openSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
export const BIN = process.env.YZ_BIN ?? join(ROOT, 'build/rel/yizhan')
export const DATA = process.env.YZ_DATA ?? join(ROOT, 'data')
export const WEB_ROOT = process.env.YZ_WEB_ROOT ?? join(ROOT, 'web/dist')

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
  })
}

async function waitHealthy(base, proc, ms = 15000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`yizhan serve exited with ${proc.exitCode}`)
    try {
      const r = await fetch(base + '/healthz')
      if (r.ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('yizhan serve did not become healthy')
}

export async function startServer() {
  if (!existsSync(BIN)) throw new Error(`no server binary at ${BIN} (run make)`)
  if (!existsSync(join(WEB_ROOT, 'index.html'))) throw new Error(`no built UI at ${WEB_ROOT} (run make)`)
  const dir = mkdtempSync(join(tmpdir(), 'yz-ui-'))
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('YIZHAN_')))
  execFileSync(BIN, ['init', '--demo', '--dir', dir, '--data', DATA], { env, stdio: 'pipe' })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const log = openSync(join(dir, 'server.log'), 'a')
  const proc = spawn(BIN, [
    'serve', '--dir', dir, '--data', DATA, '--port', String(port),
    '--set', `web.root=${WEB_ROOT}`, '--set', `server.public_origin=${base}`,
  ], { env, stdio: ['ignore', log, log] })
  await waitHealthy(base, proc)
  return {
    base, dir,
    /** The current TOTP code of a demo staff account. */
    totp(username) {
      return execFileSync(BIN, ['user', 'code', username, '--dir', dir, '--data', DATA], { env }).toString().trim()
    },
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r))
        proc.kill('SIGTERM')
        await done
      }
      if (!process.env.YZ_KEEP) rmSync(dir, { recursive: true, force: true })
    },
  }
}
