/** One finished produce run, kept so its result can be found again after the notification went. */
export interface ProduceHistoryEntry {
  time: number;
  clusterId: string;
  clusterName: string;
  topic: string;
  /** The sentence the notification showed. */
  text: string;
  /** Where the run's messages start, per partition written ("Show in Tail" opens there). */
  startOffsets: { partition: number; offset: string }[];
  failed: number;
}

const MAX_ENTRIES = 50;

/** The last produce results of this window, newest first (also written to the log as "Produce History"). */
export class ProduceHistory {
  private readonly entries: ProduceHistoryEntry[] = [];

  add(entry: ProduceHistoryEntry): void {
    this.entries.unshift(entry);
    this.entries.length = Math.min(this.entries.length, MAX_ENTRIES);
  }

  list(): ProduceHistoryEntry[] {
    return [...this.entries];
  }
}
