import { type FilterSpec, compileFilter } from '../tail/filters';
import type { TimeRange } from '../tail/histogram';
import type { RecordStore } from '../tail/recordStore';

/** How long one slice of re-applying a filter may run before the extension host does other work. */
const FILTER_SLICE_MS = 20;

/**
 * A tail panel's filter: the filter bar's criteria and the histogram's time selection, applied to
 * the record store in slices of FILTER_SLICE_MS (a million JSON values take seconds, which must not
 * hold up the extension host). `onProgress` is called while a slice leaves work for later,
 * `onApplied` once the store's view holds the new filter's matches.
 */
export class TailFilter {
  private barSpec: FilterSpec = [];
  private range: TimeRange | undefined;
  private problem: string | undefined;
  private slice: NodeJS.Immediate | undefined;
  private disposed = false;

  constructor(
    private readonly store: RecordStore,
    private readonly onProgress: () => void,
    private readonly onApplied: () => void,
  ) {}

  /** Why the filter bar's last criteria were not applied, if they were invalid. */
  get error(): string | undefined {
    return this.problem;
  }

  get timeRange(): TimeRange | undefined {
    return this.range;
  }

  /** Takes the filter bar's criteria (an invalid filter is reported, not applied) and applies them. */
  takeBarSpec(spec: FilterSpec): void {
    try {
      compileFilter(spec);
      this.barSpec = spec;
      this.problem = undefined;
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
    }
    this.apply();
  }

  /** The histogram's brush (a `time` clause beside the bar's criteria), or none; applies it. */
  setTimeRange(range: TimeRange | undefined): void {
    this.range = range;
    this.apply();
  }

  /** Completes a filter being applied in slices now (commands, export, jump act on the new view). */
  finish(): void {
    if (this.store.filterProgress !== undefined) {
      clearImmediate(this.slice);
      this.continue(Infinity);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearImmediate(this.slice);
    this.slice = undefined;
  }

  private apply(): void {
    const spec: FilterSpec = this.range ? [...this.barSpec, { kind: 'time', ...this.range }] : this.barSpec;
    try {
      this.store.beginFilter(spec);
    } catch (error) {
      this.problem = error instanceof Error ? error.message : String(error);
    }
    clearImmediate(this.slice);
    this.continue(FILTER_SLICE_MS);
  }

  private continue(budgetMs: number): void {
    this.slice = undefined;
    if (this.disposed) {
      return;
    }
    if (this.store.filterStep(budgetMs)) {
      this.onApplied();
    } else {
      this.onProgress();
      this.slice = setImmediate(() => this.continue(FILTER_SLICE_MS));
    }
  }
}
