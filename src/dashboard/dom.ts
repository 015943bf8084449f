/**
 * Small DOM helpers. Text always goes in through `textContent`, so nothing a
 * peer sends is ever parsed as markup.
 */

/** A child of `h()`: a node, some text, or nothing. */
export type Child = Node | string | null | undefined | false

/** What `h()` sets on an element besides its children. */
export interface Props {
  class?: string
  title?: string
  /** `data-*` attributes, named as in `dataset` (`peerId` for `data-peer-id`). */
  data?: Record<string, string>
  /** Any other attributes. */
  attrs?: Record<string, string>
}

/** Builds an HTML element: `h('td', { class: 'num' }, '4')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | string = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  const init = typeof props === 'string' ? { class: props } : props

  if (init.class !== undefined) element.className = init.class
  if (init.title !== undefined) element.title = init.title
  for (const [name, value] of Object.entries(init.data ?? {})) element.dataset[name] = value
  for (const [name, value] of Object.entries(init.attrs ?? {})) element.setAttribute(name, value)

  append(element, children)

  return element
}

const SVG_NS = 'http://www.w3.org/2000/svg'

/** Builds an SVG element: `svg('rect', { x: 0, y: 0, width: 4, height: 10 })`. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)

  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value))
  append(element, children)

  return element
}

function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.append(child)
  }
}

/** Sets an element's text, leaving it alone when unchanged (keeps selections and tooltips). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text
}

/** Sets or removes an attribute, leaving it alone when it is unchanged. */
export function setAttr(element: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (element.hasAttribute(name)) element.removeAttribute(name)
  } else if (element.getAttribute(name) !== value) {
    element.setAttribute(name, value)
  }
}

/** The element with this id; throws when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`expected an element with id "${id}" in the page`)

  return element as T
}

/** The first element under `root` matching `selector`; throws when there is none. */
export function find<T extends Element = HTMLElement>(root: ParentNode, selector: string): T {
  const element = root.querySelector<T>(selector)
  if (element === null) throw new Error(`expected an element matching "${selector}"`)

  return element
}

/** A view of one item in a `KeyedList`: its element, updated in place. */
export interface ItemView {
  readonly el: Element
}

/**
 * Keeps one child element per item under a parent, keyed, in the items'
 * order: elements of items still there are reused and moved, new ones are
 * created, gone ones removed. Every child of the parent must be one of its
 * views.
 */
export class KeyedList<T, V extends ItemView> {
  private readonly parent: Element
  private readonly key: (item: T) => string
  private readonly create: (item: T) => V
  private readonly views = new Map<string, V>()

  constructor(parent: Element, key: (item: T) => string, create: (item: T) => V) {
    this.parent = parent
    this.key = key
    this.create = create
  }

  /** Brings the children in line with `items`, calling `update` on each view. */
  sync(items: readonly T[], update: (view: V, item: T) => void): void {
    const seen = new Set<string>()
    let cursor = this.parent.firstElementChild

    for (const item of items) {
      const key = this.key(item)
      if (seen.has(key)) continue
      seen.add(key)

      let view = this.views.get(key)
      if (view === undefined) {
        view = this.create(item)
        this.views.set(key, view)
      }

      update(view, item)

      if (view.el === cursor) cursor = cursor.nextElementSibling
      else this.parent.insertBefore(view.el, cursor)
    }

    for (const [key, view] of this.views) {
      if (seen.has(key)) continue
      view.el.remove()
      this.views.delete(key)
    }
  }

  /** The view of the item with this key, if it is shown. */
  get(key: string): V | undefined {
    return this.views.get(key)
  }

  /** How many items are shown. */
  get size(): number {
    return this.views.size
  }
}

/** A thin horizontal bar showing a fraction, for table cells. */
export class Meter {
  readonly el: HTMLElement
  private readonly fill: HTMLElement

  constructor() {
    this.fill = h('span', 'meter-fill')
    this.el = h('span', 'meter', this.fill)
  }

  /** Shows `fraction` (clamped to 0-1); `level` colours it: `ok`, `warn` or `high`. */
  set(fraction: number, level: 'ok' | 'warn' | 'high' = 'ok'): void {
    const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0
    const width = `${(clamped * 100).toFixed(1)}%`

    if (this.fill.style.width !== width) this.fill.style.width = width
    setAttr(this.el, 'data-level', level)
  }
}

/** How full a fraction reads: `high` above 90 %, `warn` above 70 %. */
export function levelOf(fraction: number): 'ok' | 'warn' | 'high' {
  if (fraction > 0.9) return 'high'
  if (fraction > 0.7) return 'warn'
  return 'ok'
}
