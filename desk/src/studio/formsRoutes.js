// The studio's pages for forms, DocTypes and permissions (issue 14): under /app/studio/, before
// the /app/:doctype routes. Each page asks the server for access; the server checks every call.
export const studioFormsRoutes = [
  { path: 'studio/customize-form/:doctype?', name: 'studio-customize-form', component: () => import('./CustomizeFormView.vue') },
  { path: 'studio/doctype-builder/:name?', name: 'studio-doctype-builder', component: () => import('./DocTypeBuilderView.vue') },
  { path: 'studio/permissions', name: 'studio-permissions', component: () => import('./PermissionManagerView.vue') },
]
