// `depends_on`, `mandatory_depends_on` and `read_only_depends_on` evaluated live in the browser, in
// exactly the language the server accepts (engine/expressions.py): Frappe's JavaScript spelling
// (=== !== && || ! true false null undefined) over Python's expression grammar (and or not, in,
// not in, is, `a if c else b`, lists, dicts, slices), the same safe functions, Python's truthiness
// and its loose comparisons. A tokenizer and a small parser: no eval, no new Function.

export class ExpressionError extends Error {}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'True', 'False', 'None',
  'true', 'false', 'null', 'undefined'])
const OPS = ['===', '!==', '==', '!=', '<=', '>=', '//', '&&', '||', '<', '>', '+', '-', '*', '/', '%',
  '!', '(', ')', '[', ']', '{', '}', ',', '.', ':']

function tokenize(text) {
  const out = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === '"' || c === "'") {
      let j = i + 1
      let value = ''
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          const n = text[j + 1]
          value += { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' }[n] ?? '\\' + n
          j += 2
        } else { value += text[j]; j++ }
      }
      if (j >= text.length) throw new ExpressionError('unterminated string')
      out.push({ t: 'str', v: value })
      i = j + 1
      continue
    }
    const num = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/.exec(text.slice(i))
    if (num) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))
    if (name) {
      const w = name[0]
      out.push(KEYWORDS.has(w) ? { t: 'kw', v: w } : { t: 'name', v: w })
      i += w.length
      continue
    }
    const op = OPS.find((o) => text.startsWith(o, i))
    if (!op) throw new ExpressionError(`unexpected “${c}”`)
    out.push({ t: 'op', v: op })
    i += op.length
  }
  return out
}

// ---------------------------------------------------------------- parser (Python precedence)
class Parser {
  constructor(tokens) { this.toks = tokens; this.i = 0 }
  peek(k = 0) { return this.toks[this.i + k] }
  is(t, v, k = 0) { const x = this.peek(k); return x && (t === null || x.t === t) && (v === undefined || x.v === v) }
  isOp(...vs) { return vs.some((v) => this.is('op', v)) }
  isKw(v, k = 0) { return this.is('kw', v, k) }
  next() { return this.toks[this.i++] }
  expect(t, v) {
    if (!this.is(t, v)) throw new ExpressionError(`expected “${v}”`)
    return this.next()
  }
  parse() {
    const node = this.ternary()
    if (this.i < this.toks.length) throw new ExpressionError(`unexpected “${this.peek().v}”`)
    return node
  }
  ternary() {
    const body = this.or()
    if (this.isKw('if')) {
      this.next()
      const test = this.or()
      this.expect('kw', 'else')
      return { k: 'if', test, body, orelse: this.ternary() }
    }
    return body
  }
  or() {
    let left = this.and()
    while (this.isKw('or') || this.isOp('||')) { this.next(); left = { k: 'or', a: left, b: this.and() } }
    return left
  }
  and() {
    let left = this.not()
    while (this.isKw('and') || this.isOp('&&')) { this.next(); left = { k: 'and', a: left, b: this.not() } }
    return left
  }
  not() {
    if (this.isKw('not') || (this.isOp('!'))) { this.next(); return { k: 'not', a: this.not() } }
    return this.compare()
  }
  compare() {
    const first = this.sum()
    const ops = []
    const rest = []
    for (;;) {
      let op = null
      if (this.isOp('==', '===')) op = '=='
      else if (this.isOp('!=', '!==')) op = '!='
      else if (this.isOp('<', '<=', '>', '>=')) op = this.peek().v
      else if (this.isKw('in')) op = 'in'
      else if (this.isKw('not') && this.isKw('in', 1)) { this.next(); op = 'not in' }
      else if (this.isKw('is')) { if (this.isKw('not', 1)) { this.next(); op = 'is not' } else op = 'is' }
      if (!op) break
      this.next()
      ops.push(op)
      rest.push(this.sum())
    }
    return ops.length ? { k: 'cmp', first, ops, rest } : first
  }
  sum() {
    let left = this.term()
    while (this.isOp('+', '-')) { const op = this.next().v; left = { k: 'bin', op, a: left, b: this.term() } }
    return left
  }
  term() {
    let left = this.unary()
    while (this.isOp('*', '/', '//', '%')) { const op = this.next().v; left = { k: 'bin', op, a: left, b: this.unary() } }
    return left
  }
  unary() {
    if (this.isOp('-', '+')) { const op = this.next().v; return { k: 'neg', op, a: this.unary() } }
    return this.postfix()
  }
  postfix() {
    let node = this.atom()
    for (;;) {
      if (this.isOp('.')) {
        this.next()
        const name = this.next()
        if (!name || (name.t !== 'name' && name.t !== 'kw')) throw new ExpressionError('expected a name after “.”')
        if (name.v.startsWith('_')) throw new ExpressionError('attributes starting with “_” are not allowed')
        node = { k: 'attr', a: node, name: name.v }
      } else if (this.isOp('(')) {
        this.next()
        const args = []
        while (!this.isOp(')')) {
          args.push(this.ternary())
          if (!this.isOp(')')) this.expect('op', ',')
        }
        this.next()
        if (node.k === 'attr' && node.name !== 'get') throw new ExpressionError('only safe functions may be called')
        if (node.k !== 'name' && node.k !== 'attr') throw new ExpressionError('only safe functions may be called')
        node = { k: 'call', f: node, args }
      } else if (this.isOp('[')) {
        this.next()
        let index
        if (this.isOp(':') || this.slicePart()) index = this.slice()
        else index = this.ternary()
        this.expect('op', ']')
        node = { k: 'sub', a: node, index }
      } else return node
    }
  }
  slicePart() {
    // a slice starts with an expression followed by “:” — look ahead for a top-level colon
    let depth = 0
    for (let j = this.i; j < this.toks.length; j++) {
      const t = this.toks[j]
      if (t.t === 'op' && ['(', '[', '{'].includes(t.v)) depth++
      else if (t.t === 'op' && [')', ']', '}'].includes(t.v)) { if (depth === 0) return false; depth-- }
      else if (t.t === 'op' && t.v === ':' && depth === 0) return true
    }
    return false
  }
  slice() {
    const parts = [null, null, null]
    let p = 0
    while (!this.isOp(']')) {
      if (this.isOp(':')) { this.next(); p++; if (p > 2) throw new ExpressionError('bad slice'); continue }
      parts[p] = this.ternary()
    }
    return { k: 'slice', parts }
  }
  atom() {
    const t = this.next()
    if (!t) throw new ExpressionError('unexpected end')
    if (t.t === 'num') return { k: 'const', v: t.v }
    if (t.t === 'str') {
      let v = t.v
      while (this.is('str')) v += this.next().v // Python joins adjacent literals
      return { k: 'const', v }
    }
    if (t.t === 'kw') {
      if (t.v === 'True' || t.v === 'true') return { k: 'const', v: true }
      if (t.v === 'False' || t.v === 'false') return { k: 'const', v: false }
      if (t.v === 'None' || t.v === 'null' || t.v === 'undefined') return { k: 'const', v: null }
      throw new ExpressionError(`unexpected “${t.v}”`)
    }
    if (t.t === 'name') {
      if (t.v.startsWith('__')) throw new ExpressionError(`name “${t.v}” is not allowed`)
      return { k: 'name', v: t.v }
    }
    if (t.v === '(') {
      if (this.isOp(')')) { this.next(); return { k: 'list', items: [] } }
      const first = this.ternary()
      if (this.isOp(',')) {
        const items = [first]
        while (this.isOp(',')) { this.next(); if (this.isOp(')')) break; items.push(this.ternary()) }
        this.expect('op', ')')
        return { k: 'list', items }
      }
      this.expect('op', ')')
      return first
    }
    if (t.v === '[') {
      const items = []
      while (!this.isOp(']')) { items.push(this.ternary()); if (!this.isOp(']')) this.expect('op', ',') }
      this.next()
      return { k: 'list', items }
    }
    if (t.v === '{') {
      const pairs = []
      while (!this.isOp('}')) {
        const key = this.ternary()
        this.expect('op', ':')
        pairs.push([key, this.ternary()])
        if (!this.isOp('}')) this.expect('op', ',')
      }
      this.next()
      return { k: 'dict', pairs }
    }
    throw new ExpressionError(`unexpected “${t.v}”`)
  }
}

const compiled = new Map()
export function compile(text) {
  let source = String(text).trim()
  if (source.startsWith('eval:')) source = source.slice(5)
  if (!compiled.has(source)) compiled.set(source, new Parser(tokenize(source)).parse())
  return compiled.get(source)
}

// ---------------------------------------------------------------- values (Python's rules)
class Doc { constructor(data) { this.data = data || {} } get(k, d = null) { const v = this.data[k]; return wrap(v === undefined ? d : v) } }
function wrap(v) {
  if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Doc)) return new Doc(v)
  if (Array.isArray(v)) return v.map(wrap)
  return v === undefined ? null : v
}

export function truthy(v) {
  if (v === null || v === undefined || v === false) return false
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0
  if (v instanceof Map) return v.size > 0
  return true
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})/
const isNum = (v) => typeof v === 'number' || typeof v === 'boolean'
function num(v) {
  if (v === null || v === '') return 0
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v
  const n = Number(String(v).trim())
  if (String(v).trim() === '' || Number.isNaN(n)) throw new ExpressionError(`“${v}” is not a number`)
  return n
}
function looseEq(a, b) {
  if (a === null || b === null) return (a === null || a === '') && (b === null || b === '')
  if (isNum(a) && isNum(b)) return num(a) === num(b)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => looseEq(x, b[i]))
  return a === b
}
function order(op, a, b) {
  if (a === null || b === null) return false
  if (isNum(a) && typeof b === 'string') { try { b = num(b) } catch { return false } }
  if (isNum(b) && typeof a === 'string') { try { a = num(a) } catch { return false } }
  if (typeof a !== typeof b && !(isNum(a) && isNum(b))) return false
  if (op === '<') return a < b
  if (op === '<=') return a <= b
  if (op === '>') return a > b
  return a >= b
}
function contains(container, item) {
  if (container === null) return false
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item)
  if (Array.isArray(container)) return container.some((x) => looseEqStrict(x, item))
  if (container instanceof Map) return container.has(item)
  if (container instanceof Doc) return Object.prototype.hasOwnProperty.call(container.data, item)
  return false
}
function looseEqStrict(a, b) { return a === b || (isNum(a) && isNum(b) && num(a) === num(b)) }

const today = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` }
const pyRound = (x, n = 0) => { const f = 10 ** n; const v = x * f; const r = Math.round(v); return (Math.abs(v % 1) === 0.5 ? (r % 2 === 0 ? r : r - 1) : r) / f }
export const SAFE_FUNCTIONS = {
  len: (v) => { if (v === null || typeof v === 'number') throw new ExpressionError('len() of a non-sequence'); return v instanceof Doc ? Object.keys(v.data).length : v instanceof Map ? v.size : v.length },
  int: (v) => Math.trunc(num(v)), float: (v) => num(v), str: (v) => (v === null ? 'None' : v === true ? 'True' : v === false ? 'False' : String(v)),
  abs: (v) => Math.abs(num(v)), min: (...a) => (a.length === 1 && Array.isArray(a[0]) ? Math.min(...a[0].map(num)) : Math.min(...a.map(num))),
  max: (...a) => (a.length === 1 && Array.isArray(a[0]) ? Math.max(...a[0].map(num)) : Math.max(...a.map(num))),
  round: (v, n) => pyRound(num(v), n ? num(n) : 0), bool: (v) => truthy(v), sum: (v) => (v || []).reduce((s, x) => s + num(x), 0),
  today, cint: (v) => Math.trunc(Number(v || 0)) || 0, flt: (v) => Number(v || 0) || 0,
}

function run(node, names, text) {
  switch (node.k) {
    case 'const': return node.v
    case 'name': {
      if (node.v in names) return names[node.v]
      if (node.v in SAFE_FUNCTIONS) return SAFE_FUNCTIONS[node.v]
      if (names.doc instanceof Doc) return names.doc.get(node.v)
      throw new ExpressionError(`name “${node.v}” is not defined`)
    }
    case 'attr': {
      const base = run(node.a, names, text)
      if (base instanceof Doc) return base.get(node.name)
      if (['year', 'month', 'day'].includes(node.name) && typeof base === 'string' && DATE.test(base)) {
        const m = DATE.exec(base)
        return Number(m[{ year: 1, month: 2, day: 3 }[node.name]])
      }
      if (base === null) return null
      throw new ExpressionError(`cannot read “${node.name}”`)
    }
    case 'sub': {
      const base = run(node.a, names, text)
      if (node.index.k === 'slice') {
        if (base === null || !(typeof base === 'string' || Array.isArray(base))) return null
        const [a, b, s] = node.index.parts.map((p) => (p ? run(p, names, text) : null))
        if (s !== null && s !== 1) throw new ExpressionError('slice steps are not supported')
        return base.slice(a ?? 0, b ?? undefined)
      }
      const key = run(node.index, names, text)
      if (base instanceof Doc) return base.get(key)
      if (base instanceof Map) return base.has(key) ? base.get(key) : null
      if (Array.isArray(base) || typeof base === 'string') {
        if (typeof key !== 'number') return null
        const v = base[key < 0 ? base.length + key : key]
        return v === undefined ? null : v
      }
      return null
    }
    case 'list': return node.items.map((n) => run(n, names, text))
    case 'dict': return new Map(node.pairs.map(([k, v]) => [run(k, names, text), run(v, names, text)]))
    case 'and': { const a = run(node.a, names, text); return truthy(a) ? run(node.b, names, text) : a }
    case 'or': { const a = run(node.a, names, text); return truthy(a) ? a : run(node.b, names, text) }
    case 'not': return !truthy(run(node.a, names, text))
    case 'neg': { const v = num(run(node.a, names, text)); return node.op === '-' ? -v : v }
    case 'if': return truthy(run(node.test, names, text)) ? run(node.body, names, text) : run(node.orelse, names, text)
    case 'bin': {
      const a = run(node.a, names, text)
      const b = run(node.b, names, text)
      if (node.op === '+') {
        if (typeof a === 'string' || typeof b === 'string') return `${a ?? ''}${b ?? ''}`
        return num(a) + num(b)
      }
      if (node.op === '*' && (typeof a === 'string' || typeof b === 'string')) throw new ExpressionError('cannot multiply text')
      const x = num(a)
      const y = num(b)
      if (node.op === '-') return x - y
      if (node.op === '*') return x * y
      if (y === 0) return null
      if (node.op === '/') return x / y
      if (node.op === '//') return Math.floor(x / y)
      return ((x % y) + y) % y
    }
    case 'cmp': {
      let left = run(node.first, names, text)
      for (let i = 0; i < node.ops.length; i++) {
        const right = run(node.rest[i], names, text)
        const op = node.ops[i]
        let ok
        if (op === '==') ok = looseEq(left, right)
        else if (op === '!=') ok = !looseEq(left, right)
        else if (op === 'in') ok = contains(right, left)
        else if (op === 'not in') ok = !contains(right, left)
        else if (op === 'is') ok = left === right
        else if (op === 'is not') ok = left !== right
        else ok = order(op, left, right)
        if (!ok) return false
        left = right
      }
      return true
    }
    case 'call': {
      if (node.f.k === 'attr') {
        const base = run(node.f.a, names, text)
        if (base instanceof Doc) return base.get(...node.args.map((a) => run(a, names, text)))
        throw new ExpressionError('only safe functions may be called')
      }
      const fn = run(node.f, names, text)
      if (typeof fn !== 'function') throw new ExpressionError('not a function')
      return fn(...node.args.map((a) => run(a, names, text)))
    }
    default: throw new ExpressionError('unsupported')
  }
}

export function evaluate(text, doc = {}, extra = {}) {
  const names = { doc: new Doc(doc) }
  for (const [k, v] of Object.entries(extra)) names[k] = wrap(v)
  return run(compile(text), names, text)
}

// Frappe's depends_on: empty → true; a bare fieldname → that field is truthy; else an expression.
// An expression the server would refuse shows the field (the server still decides at save time).
export function dependsOnTrue(text, doc) {
  if (!text || !String(text).trim()) return true
  const source = String(text).trim()
  if (!source.startsWith('eval:') && /^[a-z_][a-z0-9_]*$/.test(source)) return truthy(wrap(doc?.[source]))
  try {
    return truthy(evaluate(source, doc))
  } catch (error) {
    if (typeof console !== 'undefined') console.warn('depends_on', source, error.message)
    return true
  }
}
