/**
 * The bar chart of message times above the table (the host bins the whole filtered view), drawn
 * on a canvas. Dragging across it selects the time range of the bars under the drag (a click
 * selects one bar); the host turns that into a `time` filter clause, so the chart then shows the
 * selected range only. Labels are text nodes; nothing from a message is drawn.
 */
import { describeTimeRange, formatTime } from '../../src/tail/filters';
import { EMPTY_HISTOGRAM, type TimeHistogram, type TimeRange, binAtX, binFrom, rangeOfBins } from '../../src/tail/histogram';
import { button, el, text } from './dom';

interface Drag {
  pointerId: number;
  from: number;
  to: number;
  /** The histogram when the drag began: bars may move under the pointer while messages arrive. */
  histogram: TimeHistogram;
}

export class HistogramView {
  readonly element = el('div', 'histogram');
  /** The title row: range, selection, Clear selection; room at its end for more controls. */
  readonly head = el('div', 'histogram-head');
  private readonly canvas = el('canvas', 'histogram-chart');
  private readonly range = el('span', 'histogram-range');
  private readonly selection = el('span', 'histogram-selection');
  private readonly clear: HTMLButtonElement;
  private histogram: TimeHistogram = EMPTY_HISTOGRAM;
  private drag: Drag | undefined;

  constructor(private readonly onSelect: (range: TimeRange | null) => void) {
    this.clear = button('Clear selection', () => this.onSelect(null), 'Show every time again');
    this.clear.classList.add('clear-selection');
    this.clear.hidden = true;
    this.head.append(text('span', 'Message times (UTC)', 'label'), this.range, this.selection, this.clear);
    this.element.append(this.head, this.canvas);
    this.canvas.addEventListener('pointerdown', (event) => this.onDown(event));
    this.canvas.addEventListener('pointermove', (event) => this.onMove(event));
    this.canvas.addEventListener('pointerup', (event) => this.onUp(event));
    this.canvas.addEventListener('pointercancel', () => this.cancel());
    new ResizeObserver(() => this.draw()).observe(this.canvas);
    // Theme changes swap the CSS variables the bars are painted with.
    new MutationObserver(() => this.draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  update(histogram: TimeHistogram): void {
    this.histogram = histogram;
    const n = histogram.counts.length;
    if (n === 0) {
      this.range.textContent = 'no messages to chart';
    } else {
      const binMs = (histogram.end - histogram.start) / n;
      this.range.textContent = `${describeTimeRange(histogram.start, histogram.end - 1).replace(/^time | UTC$/g, '')} · ${n} bar${n === 1 ? '' : 's'} of ${duration(binMs)} · drag to select`;
    }
    this.canvas.dataset.bins = String(n);
    this.canvas.dataset.total = String(histogram.total);
    this.draw();
  }

  /** The brushed range the host applies (from the status line), or none. */
  setSelection(range: TimeRange | undefined): void {
    // The label says UTC; the date only when the range spans more than one day.
    const [from, to] = range ? [formatTime(range.from), formatTime(range.to)] : ['', ''];
    this.selection.textContent = !range ? '' : from.slice(0, 10) === to.slice(0, 10) ? `Selected ${from.slice(11)} – ${to.slice(11)}` : `Selected ${from} – ${to}`;
    this.selection.title = range ? describeTimeRange(range.from, range.to) : '';
    this.clear.hidden = !range;
    this.element.classList.toggle('selected', !!range);
  }

  private onDown(event: PointerEvent): void {
    if (event.button !== 0 || this.histogram.counts.length === 0) {
      return;
    }
    const bin = this.binAt(event);
    this.drag = { pointerId: event.pointerId, from: bin, to: bin, histogram: this.histogram };
    this.canvas.setPointerCapture(event.pointerId);
    event.preventDefault();
    this.draw();
  }

  private onMove(event: PointerEvent): void {
    if (this.drag && event.pointerId === this.drag.pointerId) {
      this.drag.to = this.binAt(event, this.drag.histogram);
      this.draw();
      return;
    }
    const h = this.histogram;
    if (h.counts.length > 0) {
      const i = this.binAt(event);
      const count = h.counts[i];
      this.canvas.title = `${formatTime(binFrom(h, i))} – ${formatTime(binFrom(h, i + 1) - 1)} UTC: ${count.toLocaleString()} message${count === 1 ? '' : 's'}`;
    }
  }

  private onUp(event: PointerEvent): void {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.pointerId) {
      return;
    }
    drag.to = this.binAt(event, drag.histogram);
    this.drag = undefined;
    this.draw();
    const range = rangeOfBins(drag.histogram, drag.from, drag.to);
    if (range) {
      this.onSelect(range);
    }
  }

  private cancel(): void {
    this.drag = undefined;
    this.draw();
  }

  private binAt(event: PointerEvent, h: TimeHistogram = this.histogram): number {
    const box = this.canvas.getBoundingClientRect();
    return binAtX(h, event.clientX - box.left, box.width);
  }

  private draw(): void {
    const canvas = this.canvas;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const g = canvas.getContext('2d');
    if (!g || width === 0) {
      return;
    }
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const counts = this.drag?.histogram.counts ?? this.histogram.counts;
    const n = counts.length;
    if (n === 0) {
      return;
    }
    const style = getComputedStyle(canvas);
    const color = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
    const max = Math.max(...counts);
    const barWidth = width / n;
    // Few bins (a view spanning a few ms) would be blocks: draw them as bars centred in their slot.
    const drawn = Math.max(1, Math.min(barWidth - (barWidth > 4 ? 1 : 0), 16));
    g.fillStyle = color('--vscode-charts-blue', color('--vscode-button-background', '#3794ff'));
    for (let i = 0; i < n; i++) {
      if (counts[i] > 0) {
        const barHeight = Math.max(1, Math.round((counts[i] / max) * (height - 2)));
        g.fillRect(i * barWidth + (barWidth - drawn) / 2, height - barHeight, drawn, barHeight);
      }
    }
    g.fillStyle = color('--vscode-panel-border', 'rgba(128, 128, 128, 0.35)');
    g.fillRect(0, height - 1, width, 1);
    if (this.drag) {
      const lo = Math.min(this.drag.from, this.drag.to);
      const hi = Math.max(this.drag.from, this.drag.to);
      g.fillStyle = color('--vscode-editor-selectionBackground', 'rgba(128, 128, 255, 0.35)');
      g.globalAlpha = 0.6;
      g.fillRect(lo * barWidth, 0, (hi - lo + 1) * barWidth, height);
      g.globalAlpha = 1;
    }
  }
}

/** 900 ms, 1.5 s, 2 min, 3 h… */
function duration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms * 10) / 10} ms`;
  }
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
    if (ms >= size) {
      return `${Math.round((ms / size) * 10) / 10} ${unit}`;
    }
  }
  return `${ms} ms`;
}
