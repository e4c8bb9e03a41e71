// Who is signed in and what the desk may offer them (from the boot call), and their display
// preferences (language, 大字, high contrast), saved on their account.
import { defineStore } from 'pinia'
import { api, setCsrfToken } from '../api/client'
import { dropMeta, slug } from '../api/meta'
import { setLocale } from '../i18n'

export const useSession = defineStore('session', {
  state: () => ({ boot: null, loading: null, largeText: false, highContrast: false, language: 'zh' }),
  getters: {
    user: (s) => s.boot?.user,
    fullName: (s) => s.boot?.full_name || s.boot?.user,
    roles: (s) => s.boot?.roles || [],
    sidebar: (s) => s.boot?.sidebar || [],
    doctypes(s) {
      const out = {}
      for (const g of s.boot?.sidebar || []) for (const d of g.doctypes) out[d.name] = { ...d, group: g.label }
      return out
    },
    isCity: (s) => !!s.boot?.unrestricted || (s.boot?.roles || []).some((r) => r.startsWith('市级')),
    isReviewer: (s) => (s.boot?.roles || []).some((r) => /审核员|管理员|System Manager/.test(r)) || s.boot?.user === 'Administrator',
  },
  actions: {
    async load(force = false) {
      if (this.boot && !force) return this.boot
      if (!this.loading || force) {
        this.loading = api.get('sixhave.desk.boot').then((boot) => {
          this.boot = boot
          setCsrfToken(boot.csrf_token)
          this.language = boot.language
          this.largeText = !!boot.large_text
          this.highContrast = !!boot.high_contrast
          setLocale(boot.language)
          return boot
        }).finally(() => { this.loading = null })
      }
      return this.loading
    },
    doctypeFromSlug(value) {
      for (const name of Object.keys(this.doctypes)) if (slug(name) === value) return name
      return value.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')
    },
    label(doctype) { return this.doctypes[doctype]?.label || doctype },
    async savePreferences(values) {
      Object.assign(this, {
        ...(values.language !== undefined ? { language: values.language } : {}),
        ...(values.large_text !== undefined ? { largeText: !!values.large_text } : {}),
        ...(values.high_contrast !== undefined ? { highContrast: !!values.high_contrast } : {}),
      })
      if (values.language) setLocale(values.language)
      await api.call('sixhave.desk.save_preferences', values)
    },
    async logout() {
      await api.call('logout').catch(() => {})
      this.boot = null
      dropMeta()
    },
  },
})
