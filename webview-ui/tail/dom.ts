/** Small DOM helpers: every piece of text goes through textContent, never innerHTML. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  return node;
}

export function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, className?: string, title?: string): HTMLElementTagNameMap[K] {
  const node = el(tag, className);
  node.textContent = content;
  if (title) {
    node.title = title;
  }
  return node;
}

export function button(label: string, onClick: () => void, title?: string): HTMLButtonElement {
  const node = text('button', label, undefined, title);
  node.addEventListener('click', onClick);
  return node;
}

export function input(placeholder: string, className: string, width?: string): HTMLInputElement {
  const node = el('input', className);
  node.placeholder = placeholder;
  node.title = placeholder;
  if (width) {
    node.style.width = width; // CSSOM, allowed by the CSP (no inline style attribute)
  }
  return node;
}

export function select(options: string[], className?: string): HTMLSelectElement {
  const node = el('select', className);
  for (const option of options) {
    node.append(text('option', option));
  }
  return node;
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
