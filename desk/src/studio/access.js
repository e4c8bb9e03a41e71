// Which studio tools this user may open: asked of the server once per session
// (sixhave.studio.access — the write right on each tool's DocType). The server refuses the same
// calls with 403 whatever the menu shows.
import { defineStore } from 'pinia'
import { computed } from 'vue'
import { api } from '../api/client'
import { useSession } from '../stores/session'

export const TOOLS = [
  { key: 'workflow', route: 'studio-workflow', label: 'studio.workflow', intro: 'studio.workflowIntro' },
  { key: 'print_format', route: 'studio-print-format', label: 'studio.printFormat', intro: 'studio.printIntro' },
  { key: 'scoring_template', route: 'studio-template', label: 'studio.template', intro: 'studio.templateIntro' },
  { key: 'programme_year', route: 'studio-year', label: 'studio.year', intro: 'studio.yearIntro' },
]

export const useStudio = defineStore('studio', {
  state: () => ({ access: null, loading: null, user: null }),
  getters: {
    any: (s) => !!s.access && Object.values(s.access).some(Boolean),
    tools: (s) => TOOLS.filter((tool) => s.access?.[tool.key]),
  },
  actions: {
    async load(user) {
      if (this.access && this.user === user) return this.access
      if (!this.loading) {
        this.loading = api.get('sixhave.studio.access').then((a) => { this.access = a; this.user = user; return a })
          .catch(() => { this.access = {}; return {} }).finally(() => { this.loading = null })
      }
      return this.loading
    },
    may(key) { return !!this.access?.[key] },
  },
})

// A page's gate: null while asking, then whether this user may use `key` (the page says so plainly).
export function useGate(key) {
  const studio = useStudio()
  studio.load(useSession().user)
  return computed(() => (studio.access ? studio.may(key) : null))
}
