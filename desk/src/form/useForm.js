// A form's state: the DocType's meta (as the user may see it), the document, what the server says
// the user may change now (docinfo.editable: permission levels, docstatus and the workflow
// state's field rights), live depends_on / mandatory_depends_on / read_only_depends_on, errors at
// the fields, save, and workflow actions. Generic: nothing here knows a DocType.
import { computed, reactive, ref } from 'vue'
import { api } from '../api/client'
import { getMeta, NO_VALUE } from '../api/meta'
import { dependsOnTrue } from '../lib/expressions'

export function useForm(doctype, name) {
  const meta = ref(null)
  const children = ref({})
  const doc = ref(null)
  const docinfo = ref(null)
  const errors = reactive({})
  const loading = ref(true)
  const saving = ref(false)
  const loadError = ref(null)
  const message = ref('')
  let pristine = '{}'

  const isNew = computed(() => !name.value)
  const dirty = computed(() => doc.value && JSON.stringify(doc.value) !== pristine)
  const fields = computed(() => meta.value?.fields || [])

  function perm(level = 0) { return meta.value?.__perm?.[String(level)] || {} }
  const canCreate = computed(() => !!perm(0).create)

  async function load() {
    loading.value = true
    loadError.value = null
    try {
      const metaPromise = getMeta(doctype.value, { fresh: true })
      const docPromise = isNew.value ? null : api.raw('GET', 'frappe.desk.form.load.getdoc', { doctype: doctype.value, name: name.value })
      const m = await metaPromise
      meta.value = m.meta
      children.value = m.children
      if (docPromise) {
        const r = await docPromise
        doc.value = r.docs[0]
        docinfo.value = r.docinfo
      } else {
        doc.value = newDoc(m.meta)
        docinfo.value = null
      }
      pristine = JSON.stringify(doc.value)
    } catch (e) {
      loadError.value = e
    } finally {
      loading.value = false
    }
  }

  function newDoc(m) {
    const out = { doctype: m.name, docstatus: 0 }
    for (const f of m.fields) {
      if (NO_VALUE.has(f.fieldtype)) continue
      if (f.fieldtype === 'Table' || f.fieldtype === 'Table MultiSelect') out[f.fieldname] = []
      else if (f.default !== undefined && f.default !== null && f.default !== '') {
        out[f.fieldname] = f.default === 'Today' ? new Date().toISOString().slice(0, 10)
          : ['Int', 'Check'].includes(f.fieldtype) ? Number(f.default) : f.default
      } else if (f.fieldtype === 'Check') out[f.fieldname] = 0
    }
    return out
  }

  // ------------------------------------------------------------ what may be seen and changed
  function writableLevels() {
    const levels = new Set()
    for (const [lvl, rights] of Object.entries(meta.value?.__perm || {})) if (rights.write) levels.add(Number(lvl))
    if (isNew.value && perm(0).create) levels.add(0)
    return levels
  }

  function visible(f, row = null) {
    if (f.hidden) return false
    return dependsOnTrue(f.depends_on, row || doc.value || {})
  }

  function editableTop(f) {
    if (!doc.value) return false
    if (isNew.value) return writableLevels().has(Number(f.permlevel || 0))
    return (docinfo.value?.editable?.fields || []).includes(f.fieldname)
  }

  function readOnly(f, row = null, table = null) {
    if (f.read_only || NO_VALUE.has(f.fieldtype) && f.fieldtype !== 'HTML') return true
    if (table) {
      if (isNew.value) return !writableLevels().has(Number(f.permlevel || 0))
      const spec = docinfo.value?.editable?.tables?.[table]
      if (!spec || !spec.fields.includes(f.fieldname)) return true
    } else if (f.fieldtype === 'Table' || f.fieldtype === 'Table MultiSelect') {
      if (isNew.value) return !writableLevels().has(Number(f.permlevel || 0))
      return !docinfo.value?.editable?.tables?.[f.fieldname]
    } else if (!editableTop(f)) return true
    if (f.read_only_depends_on && dependsOnTrue(f.read_only_depends_on, row || doc.value || {})) return true
    return false
  }

  function mandatory(f, row = null) {
    if (f.reqd) return true
    return !!f.mandatory_depends_on && dependsOnTrue(f.mandatory_depends_on, row || doc.value || {})
  }

  const canSave = computed(() => {
    if (!doc.value || Number(doc.value.docstatus) === 2) return false
    if (isNew.value) return canCreate.value
    const e = docinfo.value?.editable
    return !!e && (e.fields.length > 0 || Object.keys(e.tables || {}).length > 0)
  })

  // ------------------------------------------------------------ validation and saving
  const empty = (v) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

  function validate(t) {
    for (const k of Object.keys(errors)) delete errors[k]
    const missing = []
    for (const f of fields.value) {
      if (NO_VALUE.has(f.fieldtype) || !visible(f) || readOnly(f)) continue
      if (mandatory(f) && empty(doc.value[f.fieldname])) {
        errors[f.fieldname] = t('form.required', { label: f.label || f.fieldname })
        missing.push(f.label || f.fieldname)
      }
      if (f.fieldtype === 'Table') {
        const child = children.value[f.options]
        ;(doc.value[f.fieldname] || []).forEach((row, i) => {
          for (const c of child?.fields || []) {
            if (NO_VALUE.has(c.fieldtype) || !visible(c, row) || readOnly(c, row, f.fieldname)) continue
            if (mandatory(c, row) && empty(row[c.fieldname])) {
              errors[f.fieldname] = t('form.rowRequired', { row: i + 1, label: c.label || c.fieldname })
              missing.push(`${f.label} ${i + 1}: ${c.label}`)
            }
          }
        })
      }
    }
    return missing
  }

  function showServerError(e, t) {
    const field = e.field
    if (field) {
      const top = fields.value.find((f) => f.fieldname === field)
      if (top) errors[field] = e.message
      else {
        const table = fields.value.find((f) => f.fieldtype === 'Table' && children.value[f.options]?.fields.some((c) => c.fieldname === field))
        if (table) errors[table.fieldname] = e.message
      }
    }
    message.value = e.message || t('common.networkError')
  }

  async function save(t) {
    message.value = ''
    const missing = validate(t)
    if (missing.length) {
      message.value = t('form.missing', { fields: missing.join('、') })
      return null
    }
    saving.value = true
    try {
      const payload = { ...doc.value }
      const saved = isNew.value ? await api.insert(doctype.value, payload) : await api.save(doctype.value, name.value, payload)
      doc.value = saved
      pristine = JSON.stringify(saved)
      return saved
    } catch (e) {
      showServerError(e, t)
      return null
    } finally {
      saving.value = false
    }
  }

  async function applyAction(action, comment, nextState, t) {
    message.value = ''
    try {
      const saved = await api.call('frappe.model.workflow.apply_workflow', {
        doc: { doctype: doctype.value, name: name.value, modified: doc.value.modified }, action, comment: comment || undefined,
        next_state: nextState || undefined,
      })
      return saved
    } catch (e) {
      showServerError(e, t)
      return null
    }
  }

  return {
    meta, children, doc, docinfo, errors, loading, saving, loadError, message, isNew, dirty, fields, canCreate, canSave,
    load, visible, readOnly, mandatory, save, applyAction, perm, validate,
  }
}
