// The one HTTP client of the UI: every page talks to the JSON API through it.
// - Cookie sessions: the browser sends the HttpOnly cookie; state changes carry
//   the session's CSRF token in X-CSRF-Token. The token lives in memory only
//   (it comes from the login response, or from GET /me after a reload).
// - Creating POSTs carry a fresh Idempotency-Key; a caller that retries the
//   same submission passes its own key so the server answers it once.
// - Errors are RFC 9457 problem+json: thrown as ApiError with the Chinese
//   title, detail and the per-field errors (forms/problem.ts shows them).

export interface FieldError {
  field: string
  code: string
  message: string
}

export interface Problem {
  type?: string
  title: string
  status: number
  code: string
  detail?: string
  request_id?: string
  errors?: FieldError[]
}

export class ApiError extends Error {
  readonly problem: Problem
  constructor(problem: Problem) {
    super(problem.detail || problem.title)
    this.problem = problem
  }
  get status(): number {
    return this.problem.status
  }
  get code(): string {
    return this.problem.code
  }
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? []
  }
}

let csrfToken = ''
let channel = ''

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token ?? ''
}

/** "kiosk" or "mobile" marks the channel of what this browser files. */
export function setChannel(c: string): void {
  channel = c
}

/** A fresh random Idempotency-Key (32 hex digits). */
export function newIdempotencyKey(): string {
  const b = new Uint8Array(16)
  crypto.getRandomValues(b)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  form?: FormData
  idempotencyKey?: string | true
}

function url(path: string, query?: RequestOptions['query']): string {
  const u = new URL('/api/v1' + path, window.location.origin)
  for (const [k, v] of Object.entries(query ?? {}))
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v))
  return u.pathname + u.search
}

const networkProblem = (status: number, title: string): Problem => ({ title, status, code: 'network' })

export async function request<T>(method: string, path: string, opt: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (opt.form) {
    body = opt.form
  } else if (opt.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opt.body)
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (opt.idempotencyKey)
    headers['Idempotency-Key'] = opt.idempotencyKey === true ? newIdempotencyKey() : opt.idempotencyKey
  if (channel) headers['X-Channel'] = channel
  let res: Response
  try {
    res = await fetch(url(path, opt.query), { method, headers, body, credentials: 'same-origin' })
  } catch {
    throw new ApiError(networkProblem(0, '无法连接服务器，请检查网络后重试'))
  }
  if (res.status === 204) return undefined as T
  const type = res.headers.get('Content-Type') ?? ''
  if (!res.ok) {
    if (type.includes('json')) throw new ApiError((await res.json()) as Problem)
    throw new ApiError(networkProblem(res.status, `服务器返回错误（${res.status}）`))
  }
  return (type.includes('json') ? await res.json() : await res.text()) as T
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opt: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opt, body }),
  /** A creating POST: Idempotency-Key (a fresh one unless the caller keeps its own). */
  create: <T>(path: string, body: unknown, key?: string) =>
    request<T>('POST', path, { body, idempotencyKey: key ?? true }),
  upload: <T>(path: string, form: FormData, key?: string) =>
    request<T>('POST', path, { form, idempotencyKey: key ?? true }),
  del: <T>(path: string) => request<T>('DELETE', path),
}

/** Link for a download through the policy (the browser sends the cookie). */
export function downloadUrl(path: string): string {
  return '/api/v1' + path
}
