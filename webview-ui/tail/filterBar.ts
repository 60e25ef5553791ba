/** The filter bar: every filled field is one criterion; all must match. Applied as you type. */
import type { FilterCriterion, FilterSpec, JsonOperator } from '../../src/tail/filters';
import { el, input, select, text } from './dom';

export class FilterBar {
  readonly element = el('div', 'filterbar');
  private readonly search = input('Key or value contains…', 'filter-text', '200px');
  private readonly regex = el('input');
  private readonly keyIs = select(['any key', 'no key (null)', 'empty key'], 'filter-key');
  private readonly header = input('Header name[=value]', 'filter-header', '140px');
  private readonly path = input('JSON path (e.g. order.total)', 'filter-path', '170px');
  private readonly op = select(['=', '!=', '<', '>', 'contains', 'exists'], 'filter-op');
  private readonly operand = input('Value', 'filter-operand', '100px');
  private readonly type = input('Message type', 'filter-type', '120px');
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onChange: (spec: FilterSpec) => void) {
    this.regex.type = 'checkbox';
    this.regex.className = 'filter-regex';
    this.regex.title = 'Treat the text as a regular expression';
    const regexLabel = el('label', 'check');
    regexLabel.append(this.regex, text('span', 'regex'));
    this.element.append(text('span', 'Filter', 'label'), this.search, regexLabel, this.keyIs, this.header, this.path, this.op, this.operand, this.type);
    for (const field of [this.search, this.header, this.path, this.operand, this.type]) {
      field.addEventListener('input', () => this.schedule());
    }
    this.regex.addEventListener('change', () => this.schedule());
    this.op.addEventListener('change', () => this.schedule());
    this.keyIs.addEventListener('change', () => this.schedule());
    this.keyIs.title = 'A missing key (null) and an empty key (0 bytes) are different';
    this.header.title = 'name: has the header; name=text: that value; name=: an empty value; name=(null): a header without a value';
  }

  spec(): FilterSpec {
    const spec: FilterCriterion[] = [];
    const search = this.search.value;
    if (search) {
      spec.push(this.regex.checked ? { kind: 'regex', field: 'any', pattern: search } : { kind: 'substring', field: 'any', text: search });
    }
    const header = this.header.value.trim();
    if (header) {
      const eq = header.indexOf('=');
      const name = eq < 0 ? header : header.slice(0, eq).trim();
      const value = eq < 0 ? undefined : header.slice(eq + 1);
      spec.push(value === '(null)' ? { kind: 'header', name, isNull: true } : value === undefined ? { kind: 'header', name } : { kind: 'header', name, value });
    }
    if (this.keyIs.selectedIndex > 0) {
      spec.push({ kind: 'key', is: this.keyIs.selectedIndex === 1 ? 'null' : 'empty' });
    }
    const path = this.path.value.trim();
    if (path) {
      spec.push({ kind: 'json', path, op: this.op.value as JsonOperator, operand: this.operand.value });
    }
    const type = this.type.value.trim();
    if (type) {
      spec.push({ kind: 'type', type });
    }
    return spec;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onChange(this.spec()), 200);
  }
}
