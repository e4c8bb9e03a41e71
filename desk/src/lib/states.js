// Workflow states in colour and words: the workflow's own style when it has one, else a guess from
// the docstatus (submitted states green or red by their words, drafts grey, reviews amber).
const BY_STYLE = { Primary: 'primary', Info: 'info', Success: 'success', Warning: 'warning', Danger: 'danger', Inverse: 'info' }
const NEGATIVE = /不|退|撤|未|驳|否|reject|cancel/i

export function stateType(state, meta) {
  const spec = meta?.__workflow?.states?.find((s) => s.state === state)
  if (spec?.style && BY_STYLE[spec.style]) return BY_STYLE[spec.style]
  if (!spec) return 'info'
  if (spec.doc_status === 1) return NEGATIVE.test(state) ? 'danger' : 'success'
  if (spec.doc_status === 2) return 'danger'
  return spec.state === meta.__workflow.initial ? 'info' : 'warning'
}

export function docstatusWord(docstatus, t) {
  return [t('docstatus.draft'), t('docstatus.submitted'), t('docstatus.cancelled')][Number(docstatus) || 0]
}
