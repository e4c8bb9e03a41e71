// The desk's only door to the server: the public REST API (/api/resource, /api/method), with the
// session's CSRF token on every change. Errors become ApiError with the server's Chinese message
// and, when the server names one, the field it is about.

let csrfToken = typeof window !== 'undefined' ? window.csrf_token || null : null
const listeners = { expired: [] }

export function setCsrfToken(token) { if (token) csrfToken = token }
export function onSessionExpired(fn) { listeners.expired.push(fn) }

export class ApiError extends Error {
  constructor(status, body) {
    super(messageOf(body) || `HTTP ${status}`)
    this.status = status
    this.body = body || {}
    this.excType = body?.exc_type || ''
    this.field = body?.field || null
  }
}

function messageOf(body) {
  if (!body) return ''
  try {
    const first = JSON.parse(body._server_messages || '[]')[0]
    if (first) return JSON.parse(first).message
  } catch { /* not Frappe's envelope */ }
  return body.message && typeof body.message === 'string' ? body.message : body.exception || ''
}

async function request(method, url, { params, body, form, raw } = {}) {
  const headers = { Accept: 'application/json' }
  if (params) {
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null) continue
      query.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v))
    }
    const text = query.toString()
    if (text) url += (url.includes('?') ? '&' : '?') + text
  }
  let payload
  if (form) payload = form
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body) }
  if (method !== 'GET' && csrfToken) headers['X-Frappe-CSRF-Token'] = csrfToken
  const response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' })
  if (raw && response.ok) return response
  let data = null
  const type = response.headers.get('content-type') || ''
  if (type.includes('json')) data = await response.json().catch(() => null)
  if (!response.ok) {
    const error = new ApiError(response.status, data)
    if ((response.status === 401 || response.status === 403) && !url.includes('/api/method/login')) {
      await checkSession(error)
    }
    throw error
  }
  return data
}

let checking = null
async function checkSession(error) {
  // A refused request may mean the session ended: ask who we are, and tell the shell if nobody.
  if (error.excType === 'CSRFTokenError') return
  checking = checking || fetch('/api/method/frappe.auth.get_logged_user', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : { message: 'Guest' })).catch(() => ({ message: null }))
    .finally(() => setTimeout(() => { checking = null }, 1000))
  const who = await checking
  if (who && who.message === 'Guest') listeners.expired.forEach((fn) => fn())
}

const enc = encodeURIComponent

export const api = {
  call(method, args = {}, verb = 'POST') {
    const url = `/api/method/${method}`
    return (verb === 'GET' ? request('GET', url, { params: args }) : request(verb, url, { body: args }))
      .then((r) => r?.message)
  },
  get(method, args = {}) { return this.call(method, args, 'GET') },
  // the whole envelope, for Frappe's methods that answer with top-level keys (getdoctype, getdoc)
  raw(verb, method, args = {}) {
    const url = `/api/method/${method}`
    return verb === 'GET' ? request('GET', url, { params: args }) : request(verb, url, { body: args })
  },
  list(doctype, { fields = ['name'], filters, orFilters, orderBy, start = 0, pageLength = 20 } = {}) {
    return request('GET', `/api/resource/${enc(doctype)}`, {
      params: { fields, filters, or_filters: orFilters, order_by: orderBy, limit_start: start, limit_page_length: pageLength },
    }).then((r) => r.data)
  },
  count(doctype, filters) {
    return this.get('frappe.client.get_count', { doctype, filters })
  },
  getDoc(doctype, name) { return request('GET', `/api/resource/${enc(doctype)}/${enc(name)}`).then((r) => r.data) },
  insert(doctype, doc) { return request('POST', `/api/resource/${enc(doctype)}`, { body: doc }).then((r) => r.data) },
  save(doctype, name, doc) { return request('PUT', `/api/resource/${enc(doctype)}/${enc(name)}`, { body: doc }).then((r) => r.data) },
  remove(doctype, name) { return request('DELETE', `/api/resource/${enc(doctype)}/${enc(name)}`) },
  upload(file, { doctype, docname, fieldname, isPrivate = 1 } = {}) {
    const form = new FormData()
    form.append('file', file)
    if (doctype) form.append('doctype', doctype)
    if (docname) form.append('docname', docname)
    if (fieldname) form.append('fieldname', fieldname)
    form.append('is_private', isPrivate ? '1' : '0')
    return request('POST', '/api/method/upload_file', { form }).then((r) => r.message)
  },
  // a multipart POST to a method (a file with fields), answered with its message
  postForm(method, form) { return request('POST', `/api/method/${method}`, { form }).then((r) => r?.message) },
  async download(method, args, verb = 'POST') {
    // a file from a method (Excel export, PDF, template): fetched with the token, saved by the browser
    const url = `/api/method/${method}`
    const response = await (verb === 'GET' ? request('GET', url, { params: args, raw: true }) : request('POST', url, { body: args, raw: true }))
    const blob = await response.blob()
    const disposition = response.headers.get('content-disposition') || ''
    const match = /filename\*=UTF-8''([^;]+)/.exec(disposition)
    const filename = match ? decodeURIComponent(match[1]) : 'download'
    const href = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = href
    a.download = filename
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(href), 10000)
    return { filename, size: blob.size, type: blob.type }
  },
  async exists(url) {
    const response = await fetch(url, { method: 'GET', credentials: 'same-origin' })
    return response.ok
  },
}
