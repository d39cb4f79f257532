// Who is signed in, held in memory only (nothing in localStorage): on load
// the UI asks GET /me, which answers with the account (personal data masked)
// and the cookie session's CSRF token.
import { computed, reactive } from 'vue'
import { api, ApiError, setCsrfToken } from './api/client'
import type { Role, User } from './api/types'

interface MeResponse extends User {
  csrf_token?: string
}
interface LoginResponse {
  user: User
  csrf_token?: string
  expires_at: string
}

const state = reactive<{ user: User | null; loaded: boolean }>({ user: null, loaded: false })

export const STAFF_ROLES: Role[] = [
  'filing_clerk', 'triage_officer', 'judge', 'assistant', 'clerk', 'service_officer',
  'petition_officer', 'hotline_agent', 'court_admin', 'supervisor',
]

export const session = {
  state,
  user: computed(() => state.user),
  signedIn: computed(() => state.user !== null),
  isParty: computed(() => state.user?.role === 'party' || state.user?.role === 'lawyer'),
  isClerk: computed(() => state.user?.role === 'filing_clerk' || state.user?.role === 'court_admin'),
  has(...roles: Role[]): boolean {
    return !!state.user && roles.includes(state.user.role)
  },
  async load(): Promise<void> {
    try {
      const me = await api.get<MeResponse>('/me')
      setCsrfToken(me.csrf_token)
      delete me.csrf_token
      state.user = me
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) console.warn('GET /me', e)
      state.user = null
      setCsrfToken('')
    } finally {
      state.loaded = true
    }
  },
  async login(login: string, password: string, totp?: string): Promise<User> {
    const r = await api.post<LoginResponse>('/session', { login, password, ...(totp ? { totp } : {}) })
    setCsrfToken(r.csrf_token)
    state.user = r.user
    return r.user
  },
  async logout(): Promise<void> {
    try {
      if (state.user) await api.del('/session')
    } catch {
      /* the session may have ended already */
    }
    setCsrfToken('')
    state.user = null
  },
  /** Where an account starts after logging in. */
  home(): string {
    const r = state.user?.role
    if (r === 'filing_clerk' || r === 'court_admin') return '/clerk/queue'
    if (r === 'party' || r === 'lawyer') return '/matters'
    if (r === 'mediator') return '/mediation'
    if (r === 'org_admin') return '/mediation/workload'
    if (r === 'triage_officer') return '/triage'
    if (r === 'judge') return '/me/queue'
    if (r === 'assistant' || r === 'clerk') return '/teams'
    if (r === 'supervisor') return '/dashboard'
    return '/'
  },
}
