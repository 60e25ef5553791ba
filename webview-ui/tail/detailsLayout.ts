/**
 * Where the details pane goes so the table keeps a usable Value column: beside the table when the
 * panel is wide enough for both, else below it; a splitter between them resizes the pane (double
 * click: back to the default size). When the Value column would get narrow, the Headers column is
 * hidden first (the details pane shows the headers), then Topic when the panel tails one topic;
 * below a floor the table scrolls sideways rather than squeeze Value to nothing.
 */
import { el } from './dom';

/** Fixed columns as tail.css sets them, padding included (Time is measured: its width is in ch). */
const TOPIC_PX = 146;
const PARTITION_PX = 86;
const OFFSET_PX = 96;
const KEY_PX = 156;
const HEADERS_PX = 136;
const VALUE_PADDING_PX = 16;
/** Value gets at least this much before Headers (or Topic) is shown, and before the pane goes beside. */
const VALUE_COMFORT_PX = 300;
/** Below this the table scrolls sideways. */
const VALUE_MIN_PX = 240;
const SIDE_MIN_PX = 340;
const BELOW_MIN_PX = 140;
const SPLITTER_PX = 5;

export type DetailsPlacement = 'none' | 'side' | 'below';

const clamp = (value: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, value));

export class DetailsLayout {
  private readonly splitter = el('div', 'splitter');
  private readonly table: HTMLTableElement | null;
  private sideSize: number | undefined;
  private belowSize: number | undefined;
  private dragging: number | undefined;
  private singleTopic = true;

  constructor(
    private readonly main: HTMLElement,
    scroller: HTMLElement,
    private readonly details: HTMLElement,
  ) {
    this.table = scroller.querySelector('table');
    main.append(scroller, this.splitter, details);
    this.splitter.title = 'Drag to resize the details; double-click for the default size';
    this.splitter.addEventListener('pointerdown', (event) => {
      this.dragging = event.pointerId;
      this.splitter.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    this.splitter.addEventListener('pointermove', (event) => this.onDrag(event));
    this.splitter.addEventListener('pointerup', () => (this.dragging = undefined));
    this.splitter.addEventListener('dblclick', () => {
      this.sideSize = undefined;
      this.belowSize = undefined;
      this.update();
    });
    new ResizeObserver(() => this.update()).observe(main);
  }

  /** A panel on one topic can drop the Topic column when space is short (the heading names it). */
  setSingleTopic(single: boolean): void {
    this.singleTopic = single;
    this.update();
  }

  /** Lays out again (the pane opened or closed, the panel resized). */
  update(): DetailsPlacement {
    const width = this.main.clientWidth;
    const height = this.main.clientHeight;
    const time = this.table?.tHead?.rows[0]?.cells[0]?.offsetWidth || 206;
    const base = time + PARTITION_PX + OFFSET_PX + KEY_PX + VALUE_PADDING_PX;
    const withTopic = base + TOPIC_PX;
    let placement: DetailsPlacement = 'none';
    let tableWidth = width;
    if (!this.details.hidden) {
      const maxSide = width - SPLITTER_PX - (withTopic + VALUE_COMFORT_PX);
      if (maxSide >= SIDE_MIN_PX) {
        placement = 'side';
        const size = clamp(this.sideSize ?? Math.round(width * 0.38), SIDE_MIN_PX, maxSide);
        this.details.style.width = `${size}px`;
        this.details.style.height = '';
        tableWidth = width - size - SPLITTER_PX;
      } else {
        placement = 'below';
        const size = clamp(this.belowSize ?? Math.round(height * 0.45), Math.min(BELOW_MIN_PX, height / 2), Math.max(BELOW_MIN_PX, height - BELOW_MIN_PX));
        this.details.style.height = `${size}px`;
        this.details.style.width = '';
      }
    }
    const headers = tableWidth - (withTopic + HEADERS_PX) >= VALUE_COMFORT_PX;
    const topic = !this.singleTopic || tableWidth - withTopic >= VALUE_COMFORT_PX;
    if (this.table) {
      this.table.style.minWidth = `${(topic ? withTopic : base) + (headers ? HEADERS_PX : 0) + VALUE_MIN_PX}px`;
    }
    this.splitter.hidden = this.details.hidden;
    this.main.classList.toggle('side', placement === 'side');
    this.main.classList.toggle('below', placement === 'below');
    this.main.classList.toggle('no-headers', !headers);
    this.main.classList.toggle('no-topic', !topic);
    this.main.dataset.placement = placement;
    return placement;
  }

  private onDrag(event: PointerEvent): void {
    if (this.dragging !== event.pointerId) {
      return;
    }
    const box = this.main.getBoundingClientRect();
    if (this.main.classList.contains('side')) {
      this.sideSize = box.right - event.clientX - SPLITTER_PX / 2;
    } else {
      this.belowSize = box.bottom - event.clientY - SPLITTER_PX / 2;
    }
    this.update();
  }
}
