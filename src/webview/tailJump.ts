/** "Jump to offset" in words: where the record is, or why the panel cannot show it. */
import type { RecordStore } from '../tail/recordStore';
import type { TailJump } from './protocol';

export function jumpIn(store: RecordStore, partition: number, offset: string, topic?: string): TailJump {
  const where = `Offset ${offset} of ${topic ? `${topic} ` : ''}partition ${partition}`;
  const found = store.locateOffset(partition, Number(offset), topic);
  switch (found.kind) {
    case 'shown':
      return { found: true, index: found.index, seq: found.seq, text: `${where}: row ${(found.index + 1).toLocaleString('en-US')} of the shown messages.` };
    case 'filtered':
      return { found: false, text: `${where} is retained but hidden by the filter; clear the filter or the time selection to see it.` };
    case 'notRetained': {
      if (!found.retained) {
        return { found: false, text: `${where} is not among the retained messages (none of ${topic ? 'that topic and ' : ''}partition ${partition} are retained).` };
      }
      const range = `retained: ${found.retained.first}–${found.retained.last}`;
      if (found.next) {
        return {
          found: false,
          index: found.next.index,
          seq: found.next.seq,
          text: `${where} is not among the retained messages (${range}; compacted away or a transaction marker); showing the next one, offset ${found.next.offset}.`,
        };
      }
      return { found: false, text: `${where} is not among the retained messages (${range}).` };
    }
  }
}
