// What every field component receives: its DocField, its value, whether it may be changed now,
// the whole document (Dynamic Link, Table), and the id its label points at.
export const fieldProps = {
  field: { type: Object, required: true },
  modelValue: { default: null },
  readOnly: { type: Boolean, default: false },
  doc: { type: Object, default: () => ({}) },
  inputId: { type: String, default: '' },
  doctype: { type: String, default: '' },
}
export const fieldEmits = ['update:modelValue']
