// Fields in layout order → tabs → sections → columns (Frappe's Tab Break, Section Break,
// Column Break), each section keeping the fields between its breaks.
export function buildLayout(fields) {
  const tabs = []
  let tab = null
  let section = null
  const newTab = (f) => { tab = { label: f?.label || '', fieldname: f?.fieldname || 'main', sections: [] }; tabs.push(tab); section = null }
  const newSection = (f) => {
    if (!tab) newTab(null)
    section = { label: f?.label || '', fieldname: f?.fieldname || `s${tab.sections.length}`, collapsible: !!f?.collapsible, columns: [[]], field: f || null }
    tab.sections.push(section)
  }
  for (const f of fields) {
    if (f.fieldtype === 'Tab Break') { newTab(f); continue }
    if (f.fieldtype === 'Section Break') { newSection(f); continue }
    if (!section) newSection(null)
    if (f.fieldtype === 'Column Break') { section.columns.push([]); continue }
    section.columns[section.columns.length - 1].push(f)
  }
  for (const t of tabs) t.sections = t.sections.filter((s) => s.columns.some((c) => c.length))
  return tabs.filter((t) => t.sections.length)
}
