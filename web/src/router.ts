// One route per page; pages live in pages/. meta.roles limits a page to
// signed-in accounts of those roles (the API decides access all the same).
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import type { Role } from './api/types'
import { session } from './session'
import { t } from './i18n'

declare module 'vue-router' {
  interface RouteMeta {
    title: string
    roles?: Role[]
    signedIn?: boolean
  }
}

const PARTY: Role[] = ['party', 'lawyer']
const CLERK: Role[] = ['filing_clerk', 'court_admin']
const TRIAGE: Role[] = ['triage_officer', 'court_admin']
const OVERSIGHT: Role[] = ['supervisor', 'court_admin']
// Court staff and institutions (assignment, queues, administration, bulk filing).
const ADMIN: Role[] = ['court_admin']
const TEAM_READERS: Role[] = ['triage_officer', 'judge', 'assistant', 'clerk', 'court_admin']
const CONFLICTS: Role[] = ['judge', 'triage_officer', 'court_admin']
const MEDIATION: Role[] = ['party', 'lawyer', 'mediator', 'filing_clerk', 'court_admin']
const ROSTER: Role[] = ['mediator', 'org_admin']
// Who may rule a case withdrawn for an unpaid fee (filing.json deem_withdrawn), and the court admin.
const FEE_RULING: Role[] = ['filing_clerk', 'judge', 'court_admin']

const routes: RouteRecordRaw[] = [
  { path: '/', component: () => import('./pages/HomePage.vue'), meta: { title: 'nav.home' } },
  { path: '/guide/:cause', component: () => import('./pages/GuidePage.vue'), meta: { title: 'guide.title' } },
  { path: '/fees', component: () => import('./pages/FeePage.vue'), meta: { title: 'nav.fees' } },
  { path: '/roster', component: () => import('./pages/RosterPage.vue'), meta: { title: 'nav.roster' } },
  { path: '/progress', component: () => import('./pages/ProgressPage.vue'), meta: { title: 'nav.progress' } },
  { path: '/kb', component: () => import('./pages/KbPage.vue'), meta: { title: 'kb.title' } },
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: 'nav.login' } },
  { path: '/register', component: () => import('./pages/RegisterPage.vue'), meta: { title: 'nav.register' } },
  { path: '/matters', component: () => import('./pages/MattersPage.vue'), meta: { title: 'nav.matters', signedIn: true } },
  { path: '/matters/:id', component: () => import('./pages/MatterPage.vue'), meta: { title: 'matter.title', signedIn: true } },
  { path: '/filing/new', component: () => import('./pages/FilingWizardPage.vue'), meta: { title: 'wizard.title', roles: PARTY } },
  { path: '/matters/:id/correct', component: () => import('./pages/FilingWizardPage.vue'), meta: { title: 'wizard.correctTitle', roles: PARTY } },
  { path: '/notifications', component: () => import('./pages/NotificationsPage.vue'), meta: { title: 'nav.notifications', signedIn: true } },
  { path: '/clerk/queue', component: () => import('./pages/ClerkQueuePage.vue'), meta: { title: 'nav.queue', roles: CLERK } },
  { path: '/clerk/matters/:id', component: () => import('./pages/ClerkReviewPage.vue'), meta: { title: 'review.title', roles: CLERK } },
  { path: '/triage', component: () => import('./pages/TriageQueuePage.vue'), meta: { title: 'nav.triage', roles: TRIAGE } },
  { path: '/triage/matters/:id', component: () => import('./pages/TriagePage.vue'), meta: { title: 'triage.title', roles: TRIAGE } },
  { path: '/dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { title: 'nav.dashboard', roles: OVERSIGHT } },
  // ---- court staff and institutions ----
  { path: '/assignment', component: () => import('./pages/AssignmentListPage.vue'), meta: { title: 'staffNav.assignment', roles: TRIAGE } },
  { path: '/teams', component: () => import('./pages/TeamsPage.vue'), meta: { title: 'staffNav.teams', roles: TEAM_READERS } },
  { path: '/teams/:id', component: () => import('./pages/TeamQueuePage.vue'), meta: { title: 'teams.queue', roles: TEAM_READERS } },
  { path: '/cases/:id', component: () => import('./pages/StaffCasePage.vue'), meta: { title: 'staffCase.page', roles: [...TEAM_READERS, 'filing_clerk'] } },
  { path: '/me/queue', component: () => import('./pages/MyQueuePage.vue'), meta: { title: 'staffNav.myQueue', roles: ['judge'] } },
  { path: '/cross-region', component: () => import('./pages/CrossRegionQueuePage.vue'), meta: { title: 'staffNav.crossRegion', roles: CLERK } },
  { path: '/cross-region/:id', component: () => import('./pages/CrossRegionPage.vue'), meta: { title: 'crossRegion.title', roles: CLERK } },
  { path: '/admin/staff', component: () => import('./pages/AdminStaffPage.vue'), meta: { title: 'staffNav.staff', roles: ADMIN } },
  { path: '/admin/roster', component: () => import('./pages/AdminRosterPage.vue'), meta: { title: 'staffNav.roster', roles: ADMIN } },
  { path: '/admin/settings', component: () => import('./pages/AdminSettingsPage.vue'), meta: { title: 'staffNav.settings', roles: ADMIN } },
  { path: '/judges/:id/conflicts', component: () => import('./pages/ConflictsPage.vue'), meta: { title: 'conflicts.title', roles: CONFLICTS } },
  { path: '/filing/batches/new', component: () => import('./pages/BatchUploadPage.vue'), meta: { title: 'staffNav.batch', roles: PARTY } },
  { path: '/filing/batches/:id', component: () => import('./pages/BatchPage.vue'), meta: { title: 'batch.resultTitle', roles: PARTY } },
  // Mediation (诉前调解): the party's application, everyone's list and room, the roster's workload.
  // Fee relief (诉讼费用缓减免): the court's queue and one application.
  { path: '/fees/unpaid', component: () => import('./pages/UnpaidFeesPage.vue'), meta: { title: 'unpaid.title', roles: FEE_RULING } },
  { path: '/fee-relief', component: () => import('./pages/FeeReliefQueuePage.vue'), meta: { title: 'relief.queueTitle', roles: CLERK } },
  { path: '/fee-relief/:id', component: () => import('./pages/FeeReliefPage.vue'), meta: { title: 'relief.title', signedIn: true } },
  { path: '/mediation', component: () => import('./pages/MediationListPage.vue'), meta: { title: 'mediation.title', roles: MEDIATION } },
  { path: '/mediation/new', component: () => import('./pages/MediationApplyPage.vue'), meta: { title: 'mediation.applyTitle', roles: PARTY } },
  { path: '/mediation/workload', component: () => import('./pages/MediationWorkloadPage.vue'), meta: { title: 'mediation.workloadTitle', roles: ROSTER } },
  { path: '/mediation/:id', component: () => import('./pages/MediationRoomPage.vue'), meta: { title: 'mediation.roomTitle', signedIn: true } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { title: 'notFound.title' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  if (!session.state.loaded) await session.load()
  const needs = to.meta.signedIn || to.meta.roles
  if (needs && !session.state.user) return { path: '/login', query: { next: to.fullPath } }
  if (to.meta.roles && !session.has(...to.meta.roles)) return { path: '/', query: { denied: '1' } }
  return true
})

router.afterEach((to) => {
  document.title = `${t(to.meta.title)} - ${t('app.name')}`
})
