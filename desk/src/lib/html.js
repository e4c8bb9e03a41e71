// Metadata HTML (an HTML field's options) cleaned to a few harmless tags before it is shown:
// parsed as an inert document, unknown tags replaced by their text, every attribute dropped but
// a relative or http(s) href. Documents' values never come here: they are always shown as text.
const ALLOWED = new Set(['P', 'B', 'STRONG', 'I', 'EM', 'U', 'UL', 'OL', 'LI', 'BR', 'H3', 'H4', 'H5', 'SPAN', 'DIV', 'A', 'SMALL', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD'])

export function cleanHtml(source) {
  const doc = new DOMParser().parseFromString(`<div>${source}</div>`, 'text/html')
  const out = document.createElement('div')
  const walk = (from, to) => {
    for (const node of Array.from(from.childNodes)) {
      if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.textContent)); continue }
      if (node.nodeType !== 1) continue
      if (!ALLOWED.has(node.tagName)) { if (!['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'TEMPLATE'].includes(node.tagName)) walk(node, to); continue }
      const el = document.createElement(node.tagName.toLowerCase())
      const href = node.getAttribute('href')
      if (node.tagName === 'A' && href && /^(https?:\/\/|\/(?!\/))/i.test(href)) { el.setAttribute('href', href); el.setAttribute('rel', 'noopener') }
      walk(node, el)
      to.appendChild(el)
    }
  }
  walk(doc.body.firstChild || doc.body, out)
  return out.innerHTML
}
