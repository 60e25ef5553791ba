import * as assert from 'node:assert/strict';
import { decodeHeaders } from '../../src/kafka/tailSession';
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
});

describe('decodeHeaders', () => {
  it('turns Buffers and repeated headers into text', () => {
    assert.deepEqual(
      decodeHeaders({ a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')], c: 'plain', d: undefined }),
      { a: '1', b: 'x, y', c: 'plain', d: '' },
    );
  });
});
