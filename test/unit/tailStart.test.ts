import * as assert from 'node:assert/strict';
import { describeTailStart } from '../../src/tail/tailStart';

describe('describeTailStart (the tail heading\'s "from …")', () => {
  it('names latest, earliest and a time', () => {
    assert.equal(describeTailStart({ topics: ['t'], fromBeginning: false }), 'latest');
    assert.equal(describeTailStart({ topics: ['t'], fromBeginning: true }), 'earliest');
    assert.equal(describeTailStart({ topics: ['t'], fromBeginning: false, start: 'timestamp', timestamp: Date.UTC(2026, 10, 25, 12) }), 'at 2026-11-25T12:00:00.000Z');
  });

  it('lists the offsets Show in Tail starts at, instead of "latest"', () => {
    const options = { topics: ['t'], fromBeginning: false, startOffsets: [{ partition: 1, offset: '0' }, { partition: 0, offset: '17' }] };
    assert.equal(describeTailStart(options), 'offsets p1 0, p0 17');
  });

  it('lets an explicit start win over start offsets', () => {
    assert.equal(describeTailStart({ topics: ['t'], fromBeginning: false, start: 'earliest', startOffsets: [{ partition: 0, offset: '3' }] }), 'earliest');
  });
});
