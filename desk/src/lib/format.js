// Values shown as people read them: dates as 2018年10月30日 (or 30 Oct 2018 in English), numbers
// with their precision, checks as words. Always text: the desk never renders data as HTML.
const pad = (n) => String(n).padStart(2, '0')

export function parseDate(value) {
  if (!value) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value))
  if (!m) return null
  return { y: +m[1], m: +m[2], d: +m[3], hh: m[4] != null ? +m[4] : null, mm: m[5] != null ? +m[5] : null }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function formatDate(value, locale = 'zh') {
  const p = parseDate(value)
  if (!p) return value ? String(value) : ''
  return locale === 'en' ? `${p.d} ${MONTHS[p.m - 1]} ${p.y}` : `${p.y}年${p.m}月${p.d}日`
}

export function formatDatetime(value, locale = 'zh') {
  const p = parseDate(value)
  if (!p) return value ? String(value) : ''
  const time = p.hh != null ? ` ${pad(p.hh)}:${pad(p.mm)}` : ''
  return formatDate(value, locale) + time
}

export function formatNumber(value, precision) {
  if (value === null || value === undefined || value === '') return ''
  const n = Number(value)
  if (Number.isNaN(n)) return String(value)
  const places = precision === undefined || precision === null || precision === '' ? undefined : Number(precision)
  return n.toLocaleString('zh-CN', places === undefined ? { maximumFractionDigits: 6 } : { minimumFractionDigits: places, maximumFractionDigits: places })
}

export function formatValue(value, field, { t, locale } = {}) {
  if (value === null || value === undefined || value === '') return ''
  switch (field?.fieldtype) {
    case 'Date': return formatDate(value, locale)
    case 'Datetime': return formatDatetime(value, locale)
    case 'Check': return Number(value) ? (t ? t('common.yes') : '是') : (t ? t('common.no') : '否')
    case 'Currency': return '¥' + formatNumber(value, field.precision ?? 2)
    case 'Percent': return formatNumber(value, field.precision) + '%'
    case 'Float': return formatNumber(value, field.precision)
    case 'Int': return String(value)
    case 'Rating': return '★'.repeat(Math.round(Number(value) * (field.options ? Number(field.options) : 5))) || '—'
    case 'Table': case 'Table MultiSelect': return Array.isArray(value) ? String(value.length) : ''
    default: return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}

export function isoDate(d = new Date()) { return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` }

export function daysUntil(value) {
  const p = parseDate(value)
  if (!p) return null
  const target = Date.UTC(p.y, p.m - 1, p.d)
  const now = new Date()
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())
  return Math.round((target - today) / 86400000)
}
