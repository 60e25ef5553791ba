import * as assert from 'node:assert/strict';
import { decodeHeaders } from '../../src/brokers/kafka/tail/tailMessages';
import { isWebviewToHost } from '../../src/webview/protocol';

describe('webview protocol', () => {
  it('accepts only the messages the webview may send', () => {
    for (const type of ['ready', 'pause', 'resume', 'clear']) {
      assert.equal(isWebviewToHost({ type }), true, type);
    }
    for (const value of [null, 'ready', { type: 'init' }, { type: 'messages' }, {}, 42]) {
      assert.equal(isWebviewToHost(value), false, JSON.stringify(value));
    }
  });

  it('checks the filter with the shared FilterSpec validation', () => {
    assert.equal(isWebviewToHost({ type: 'filter', spec: [] }), true);
    assert.equal(isWebviewToHost({ type: 'filter', spec: [{ kind: 'substring', field: 'any', text: 'x' }, { kind: 'time', from: 1, to: 2 }] }), true);
    for (const spec of [undefined, {}, [{ kind: 'substring' }], [{ kind: 'time', from: 2, to: 1 }], [{ kind: 'json', path: 'a', op: 'like' }], [{ kind: 'eval', code: 'x' }]]) {
      assert.equal(isWebviewToHost({ type: 'filter', spec }), false, JSON.stringify(spec));
    }
  });

  it('accepts a brushed time range or null, and nothing else', () => {
    assert.equal(isWebviewToHost({ type: 'timeRange', range: { from: 1_700_000_000_000, to: 1_700_000_000_999 } }), true);
    assert.equal(isWebviewToHost({ type: 'timeRange', range: { from: 5, to: 5 } }), true);
    assert.equal(isWebviewToHost({ type: 'timeRange', range: null }), true);
    for (const range of [undefined, {}, { from: 2, to: 1 }, { from: '1', to: 2 }, { from: 1 }, { from: Number.NaN, to: 1 }, { from: 0, to: Number.POSITIVE_INFINITY }, [1, 2]]) {
      assert.equal(isWebviewToHost({ type: 'timeRange', range }), false, JSON.stringify(range));
    }
  });

  it('accepts a jump to a partition and an offset of digits, with an optional topic', () => {
    assert.equal(isWebviewToHost({ type: 'jump', partition: 0, offset: '123' }), true);
    assert.equal(isWebviewToHost({ type: 'jump', partition: 3, offset: '9007199254740991', topic: 'orders' }), true);
    for (const bad of [
      { partition: -1, offset: '1' },
      { partition: 1.5, offset: '1' },
      { partition: '0', offset: '1' },
      { partition: 0, offset: 1 },
      { partition: 0, offset: '-1' },
      { partition: 0, offset: '1e3' },
      { partition: 0, offset: '' },
      { partition: 0, offset: '9007199254740993' },
      { partition: 0, offset: '1', topic: 7 },
    ]) {
      assert.equal(isWebviewToHost({ type: 'jump', ...bad }), false, JSON.stringify(bad));
    }
  });

  it('accepts open in editor of a sequence number', () => {
    assert.equal(isWebviewToHost({ type: 'openInEditor', seq: 0 }), true);
    for (const seq of [-1, 0.5, '1', undefined]) {
      assert.equal(isWebviewToHost({ type: 'openInEditor', seq }), false, String(seq));
    }
  });
});

describe('decodeHeaders', () => {
  it('keeps order, repeated names and null values; text when UTF-8, else base64', () => {
    assert.deepEqual(
      decodeHeaders([
        { name: 'a', value: Buffer.from('1') },
        { name: 'b', value: null },
        { name: 'a', value: Buffer.from('2') },
        { name: 'c', value: Buffer.from([0xff, 0x00]) },
        { name: 'd', value: Buffer.alloc(0) },
      ]),
      [
        { name: 'a', value: { text: '1', encoding: 'text' } },
        { name: 'b', value: null },
        { name: 'a', value: { text: '2', encoding: 'text' } },
        { name: 'c', value: { text: '/wA=', encoding: 'base64' } },
        { name: 'd', value: { text: '', encoding: 'text' } },
      ],
    );
    assert.equal(decodeHeaders([]).length, 0);
  });
});
