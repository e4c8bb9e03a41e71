// Which programme year the desk shows: the open Programme Year, else the latest year that has a
// scoring template (a site whose city has not opened a year yet), else this calendar year.
import { api } from '../api/client'

export async function programmeYears() {
  const now = new Date().getFullYear()
  const [years, templates] = await Promise.all([
    api.list('Programme Year', { fields: ['year', 'is_open', 'mobilise_by', 'survey_by', 'rectify_by', 'declare_by', 'assess_by'], orderBy: 'year desc', pageLength: 20 }).catch(() => []),
    api.list('Scoring Template', { fields: ['year'], orderBy: 'year desc', pageLength: 20 }).catch(() => []),
  ])
  const all = [...new Set([...years.map((r) => Number(r.year)), ...templates.map((r) => Number(r.year)), now])].sort((a, b) => b - a)
  const open = years.find((r) => Number(r.is_open)) || years[0]
  const current = open ? Number(open.year) : templates.length ? Number(templates[0].year) : now
  return { years: all, current, programme: years.find((r) => Number(r.year) === current) || null }
}
