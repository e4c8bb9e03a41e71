// Metadata as the user may see it (frappe.desk.form.load.getdoctype), kept for the page's life and
// dropped when the server says it changed (a new Custom Field shows at once: the desk asks again
// on every list and form open, and the answer is small).
import { api } from './client'

const cache = new Map()

export async function getMeta(doctype, { fresh = false } = {}) {
  if (!fresh && cache.has(doctype)) return cache.get(doctype)
  const promise = api.raw('GET', 'frappe.desk.form.load.getdoctype', { doctype }).then((r) => {
    const docs = {}
    for (const d of r.docs) docs[d.name] = d // Frappe's top-level "docs"
    return { meta: docs[doctype], children: docs }
  })
  cache.set(doctype, promise)
  promise.catch(() => cache.delete(doctype))
  return promise
}

export function dropMeta() { cache.clear() }

export const LAYOUT = new Set(['Section Break', 'Column Break', 'Tab Break'])
export const NO_VALUE = new Set(['Section Break', 'Column Break', 'Tab Break', 'HTML', 'Button', 'Heading', 'Image', 'Fold'])

export function stateOf(meta, doc) {
  const wf = meta.__workflow
  if (!wf) return null
  const name = doc?.[wf.state_field] || wf.initial
  return wf.states.find((s) => s.state === name) || { state: name }
}

export function slug(doctype) { return doctype.toLowerCase().replace(/ /g, '-') }
