// The studio's pages under /app/studio (before /app/:doctype, which would take "studio" for a DocType).
import './i18n'

export const studioRoutes = [
  { path: 'studio', name: 'studio', component: () => import('./StudioHome.vue') },
  { path: 'studio/workflow/:name?', name: 'studio-workflow', component: () => import('./WorkflowEditor.vue'), meta: { tool: 'workflow' } },
  { path: 'studio/print-format/:name?', name: 'studio-print-format', component: () => import('./PrintFormatEditor.vue'), meta: { tool: 'print_format' } },
  { path: 'studio/scoring-template/:name?', name: 'studio-template', component: () => import('./TemplateEditor.vue'), meta: { tool: 'scoring_template' } },
  { path: 'studio/year/:year?', name: 'studio-year', component: () => import('./YearWizard.vue'), meta: { tool: 'programme_year' } },
]
