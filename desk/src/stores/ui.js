// What the shell shows about the current page: its breadcrumbs and title.
import { defineStore } from 'pinia'

export const useUi = defineStore('ui', {
  state: () => ({ crumbs: [], drawer: false }),
  actions: {
    setCrumbs(crumbs, title) {
      this.crumbs = crumbs
      if (title) document.title = `${title} · 六有一提升`
    },
  },
})
