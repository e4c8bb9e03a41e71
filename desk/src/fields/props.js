// What every field component receives: its DocField, its value, whether it may be changed now,
// the whole document (Dynamic Link, Table), and the id its label points at.
export const fieldProps = {
  field: { type: Object, required: true },
  modelValue: { default: null },
  readOnly: { type: Boolean, default: false },
  doc: { type: Object, default: () => ({}) },
  inputId: { type: String, default: '' },
  doctype: { type: String, default: '' },
  // for child tables and attachments; declared for every field so none falls through as an attribute
  docname: { type: String, default: '' },
  childMeta: { type: Object, default: null },
  editable: { type: Object, default: null },
  errors: { type: Object, default: null },
}
export const fieldEmits = ['update:modelValue']
