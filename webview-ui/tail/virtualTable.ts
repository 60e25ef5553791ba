/**
 * A table that holds only the rows in view: fixed row height, spacers above and below, and rows
 * asked from the host by range. A million rows cost the webview a few dozen DOM nodes.
 */
import type { TailRow } from '../../src/tail/recordStore';
import { el, text } from './dom';

export const ROW_HEIGHT = 22;
const OVERSCAN = 20;

export class VirtualTable {
  readonly element = el('div', 'scroller');
  private readonly top = el('div', 'spacer-row');
  private readonly bottom = el('div', 'spacer-row');
  private readonly body = el('tbody');
  private total = 0;
  private requestId = 0;
  private selectedSeq: number | undefined;
  private start = 0;
  /**
   * Keep the last row in view as rows arrive. Decided by the user's scrolling, never re-measured
   * from the geometry alone: a rows reply may carry a larger total than the request was made for
   * (messages arrived in between), which grows the bottom spacer under a view that was at the end.
   */
  private following = true;
  /** Where the last scroll to the end put scrollTop; the user scrolled up when scrollTop is above it. */
  private autoScrollTop = 0;

  constructor(
    private readonly requestRows: (requestId: number, start: number, count: number) => void,
    private readonly onSelect: (seq: number) => void,
  ) {
    const table = el('table', 'messages');
    const head = el('thead');
    const headRow = el('tr');
    for (const title of ['Time (UTC)', 'Topic', 'Partition', 'Offset', 'Key', 'Value', 'Headers']) {
      headRow.append(text('th', title));
    }
    head.append(headRow);
    table.append(head, this.body);
    this.element.append(this.top, table, this.bottom);
    this.element.addEventListener('scroll', () => {
      this.updateFollowing();
      this.refresh();
    });
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest('tr');
      if (row?.dataset.seq) {
        this.markSelected(Number(row.dataset.seq));
        this.onSelect(Number(row.dataset.seq));
      }
    });
  }

  /** Scrolls row `index` of the filtered view (of `total` rows) to the middle and selects it (Jump to offset). */
  reveal(index: number, seq: number, total: number): void {
    this.markSelected(seq);
    this.total = total;
    this.bottom.style.height = `${Math.max(0, (total - this.start - this.body.rows.length) * ROW_HEIGHT)}px`;
    const head = this.element.querySelector('thead')?.getBoundingClientRect().height ?? ROW_HEIGHT;
    this.element.scrollTop = Math.max(0, index * ROW_HEIGHT + head - (this.element.clientHeight - ROW_HEIGHT) / 2);
    this.refresh();
  }

  private markSelected(seq: number): void {
    this.selectedSeq = seq;
    for (const r of this.body.rows) {
      r.classList.toggle('selected', r.dataset.seq === String(seq));
    }
  }

  /** New total of the filtered view: keeps following the end when the user was at the end. */
  setTotal(total: number): void {
    this.updateFollowing();
    this.total = total;
    this.bottom.style.height = `${Math.max(0, (total - this.start - this.body.rows.length) * ROW_HEIGHT)}px`;
    if (this.following) {
      this.scrollToEnd();
    }
    this.refresh();
  }

  /** At the end, or following and not scrolled up by the user since the last scroll to the end. */
  private updateFollowing(): void {
    const atEnd = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - ROW_HEIGHT;
    this.following = atEnd || (this.following && this.element.scrollTop >= this.autoScrollTop - 1);
    this.element.dataset.following = String(this.following);
  }

  private scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
    this.autoScrollTop = this.element.scrollTop;
  }

  /** Asks the host for the rows in view (plus some above and below). */
  refresh(): void {
    const first = Math.floor(this.element.scrollTop / ROW_HEIGHT);
    const visible = Math.ceil(this.element.clientHeight / ROW_HEIGHT) + 1;
    const start = Math.max(0, first - OVERSCAN);
    const count = Math.min(this.total - start, visible + 2 * OVERSCAN);
    this.requestRows(++this.requestId, start, Math.max(0, count));
  }

  /** Renders a reply; replies to older requests are ignored. */
  render(requestId: number, total: number, rows: TailRow[]): void {
    if (requestId !== this.requestId) {
      return;
    }
    this.updateFollowing();
    this.total = total;
    const start = rows[0]?.index ?? 0;
    this.start = start;
    this.top.style.height = `${start * ROW_HEIGHT}px`;
    this.bottom.style.height = `${Math.max(0, (total - start - rows.length) * ROW_HEIGHT)}px`;
    const fragment = document.createDocumentFragment();
    for (const r of rows) {
      const row = el('tr');
      row.dataset.seq = String(r.seq);
      row.dataset.offset = r.offset;
      row.dataset.partition = String(r.partition);
      row.classList.toggle('selected', r.seq === this.selectedSeq);
      row.append(
        text('td', new Date(r.timestamp).toISOString().replace('T', ' ').replace('Z', ''), 'time'),
        text('td', r.topic, 'topic', r.topic),
        text('td', String(r.partition), 'num'),
        text('td', r.offset, 'num'),
        payloadCell('key', r.key, r.keyFormat),
        payloadCell('value', r.value, r.format),
        text('td', r.headers, 'headers'),
      );
      fragment.append(row);
    }
    this.body.replaceChildren(fragment);
    if (this.following) {
      // The reply's total may be larger than the request's: stay at the end (the scroll that this
      // causes asks for the rows there).
      this.scrollToEnd();
    }
  }

  clear(): void {
    this.total = 0;
    this.start = 0;
    this.selectedSeq = undefined;
    this.following = true;
    this.autoScrollTop = 0;
    this.body.replaceChildren();
    this.top.style.height = '0px';
    this.bottom.style.height = '0px';
  }
}

/**
 * A key or value cell: "(null)" for none, `""` for an empty one (dimmed, so the two never look
 * alike), and bytes that are not UTF-8 as a "binary" badge before their base64.
 */
function payloadCell(field: 'key' | 'value', preview: string, format: TailRow['format']): HTMLTableCellElement {
  if (format === 'null') {
    return text('td', '(null)', `${field} null`, field === 'key' ? 'No key (null)' : 'No value (null, a tombstone)');
  }
  if (preview === '' && format !== 'binary') {
    return text('td', '""', `${field} empty`, `Empty ${field} (0 bytes)`);
  }
  if (format === 'binary') {
    const cell = el('td', `${field} binary`);
    cell.title = `Not UTF-8: the bytes as base64. ${preview}`;
    cell.append(text('span', 'binary', 'badge'), document.createTextNode(` ${preview}`));
    return cell;
  }
  return text('td', preview, `${field} ${format}`, preview);
}
