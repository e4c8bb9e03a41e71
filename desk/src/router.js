// URLs as Frappe's: /login, the desk at /app, lists at /app/<doctype-slug>, forms at
// /app/<doctype-slug>/<name> and /app/<doctype-slug>/new. Every page is its own chunk, so the
// login and home pages load only what they need. Pages are nouns.
import { createRouter, createWebHistory } from 'vue-router'
import { useSession } from './stores/session'
import { onSessionExpired } from './api/client'
import { studioFormsRoutes } from './studio/formsRoutes'
import { studioRoutes } from './studio/routes'

const Shell = () => import('./layout/DeskShell.vue')

export const routes = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginView.vue'), meta: { guest: true } },
  {
    path: '/app',
    component: Shell,
    children: [
      { path: '', name: 'home', component: () => import('./pages/HomeView.vue') },
      { path: 'queue', name: 'queue', component: () => import('./pages/QueueView.vue') },
      { path: 'dashboard', name: 'dashboard', component: () => import('./pages/DashboardView.vue') },
      { path: 'change-password', name: 'change-password', component: () => import('./pages/ChangePasswordView.vue') },
      // Import of Excel files and job progress come with the Excel/jobs work: the page says so plainly.
      { path: 'data-import', name: 'data-import', component: () => import('./pages/ImportView.vue') },
      { path: 'print/:doctype/:name(.*)', name: 'print', component: () => import('./pages/PrintView.vue') },
      ...studioFormsRoutes,
      ...studioRoutes,
      { path: ':doctype', name: 'list', component: () => import('./pages/ListView.vue') },
      { path: ':doctype/new', name: 'new', component: () => import('./pages/FormView.vue') },
      { path: ':doctype/:name(.*)', name: 'form', component: () => import('./pages/FormView.vue') },
    ],
  },
  { path: '/', redirect: '/app' },
  { path: '/:rest(.*)', redirect: '/app' },
]

export const router = createRouter({ history: createWebHistory(), routes, scrollBehavior: (to, from, saved) => saved || { top: 0 } })

router.beforeEach(async (to) => {
  if (to.meta.guest) return true
  const session = useSession()
  try {
    await session.load()
  } catch {
    return { name: 'login', query: { 'redirect-to': to.fullPath } }
  }
  if (!session.user || session.user === 'Guest') return { name: 'login', query: { 'redirect-to': to.fullPath } }
  return true
})

onSessionExpired(() => {
  const session = useSession()
  session.boot = null
  const current = router.currentRoute.value
  if (current.name !== 'login') router.replace({ name: 'login', query: { 'redirect-to': current.fullPath, expired: '1' } })
})
