import * as assert from 'node:assert/strict';
import { type FilterSpec, type FilterableMessage, compileFilter, describeFilter, parseJsonPath } from '../../src/tail/filters';
import { traceRequestFor } from '../../src/webview/tailTrace';

const messages: FilterableMessage[] = [
  { topic: 'orders', key: 'order-1', value: '{"type":"OrderCreated","total":42,"status":"new","tags":["vip","eu"],"customer":{"name":"Ada"}}', headers: { source: 'web' } },
  { topic: 'orders', key: 'order-2', value: '{"type":"OrderPaid","total":7.5,"status":"paid","tags":[],"customer":{"name":"Bob"}}', headers: { source: 'app', trace: 'x' } },
  { topic: 'orders', key: null, value: 'plain text ERROR here', headers: {} },
  { topic: 'orders', key: 'K', value: null, headers: {} },
  { topic: 'events', key: 'e', value: '{"eventType":"Ping","when":"2024-05-01T00:00:00Z"}', headers: {} },
];

function keys(spec: FilterSpec): (string | null)[] {
  const test = compileFilter(spec);
  return messages.filter(test).map((m) => m.key);
}

describe('tail filters', () => {
  it('an empty filter matches everything', () => {
    assert.equal(keys([]).length, messages.length);
  });

  it('substring: in the key, the value or either; case-insensitive unless asked', () => {
    assert.deepEqual(keys([{ kind: 'substring', field: 'key', text: 'ORDER' }]), ['order-1', 'order-2']);
    assert.deepEqual(keys([{ kind: 'substring', field: 'key', text: 'ORDER', caseSensitive: true }]), []);
    assert.deepEqual(keys([{ kind: 'substring', field: 'value', text: 'error' }]), [null]);
    assert.deepEqual(keys([{ kind: 'substring', field: 'any', text: 'k' }]), ['K']);
  });

  it('regex: on key or value, with flags; a bad pattern is a readable error', () => {
    assert.deepEqual(keys([{ kind: 'regex', field: 'key', pattern: '^order-\\d$' }]), ['order-1', 'order-2']);
    assert.deepEqual(keys([{ kind: 'regex', field: 'value', pattern: 'error', flags: 'i' }]), [null]);
    assert.throws(() => compileFilter([{ kind: 'regex', field: 'value', pattern: '(' }]), /The filter regex \/\(\/ is not valid/);
  });

  it('header: by name, or by name and exact value', () => {
    assert.deepEqual(keys([{ kind: 'header', name: 'source' }]), ['order-1', 'order-2']);
    assert.deepEqual(keys([{ kind: 'header', name: 'source', value: 'app' }]), ['order-2']);
    assert.deepEqual(keys([{ kind: 'header', name: 'missing' }]), []);
  });

  it('JSON path =, != (numbers, strings, nested paths)', () => {
    assert.deepEqual(keys([{ kind: 'json', path: 'status', op: '=', operand: 'paid' }]), ['order-2']);
    assert.deepEqual(keys([{ kind: 'json', path: '$.total', op: '=', operand: '42' }]), ['order-1']);
    assert.deepEqual(keys([{ kind: 'json', path: 'customer.name', op: '=', operand: 'Ada' }]), ['order-1']);
    // != needs the field to exist: messages without it (or not JSON) do not match.
    assert.deepEqual(keys([{ kind: 'json', path: 'status', op: '!=', operand: 'paid' }]), ['order-1']);
  });

  it('JSON path < and > (numbers numerically, strings in text order)', () => {
    assert.deepEqual(keys([{ kind: 'json', path: 'total', op: '>', operand: '10' }]), ['order-1']);
    assert.deepEqual(keys([{ kind: 'json', path: 'total', op: '<', operand: '10' }]), ['order-2']);
    assert.deepEqual(keys([{ kind: 'json', path: 'when', op: '>', operand: '2024-01-01' }]), ['e']);
  });

  it('JSON path contains (array element or substring) and exists', () => {
    assert.deepEqual(keys([{ kind: 'json', path: 'tags', op: 'contains', operand: 'vip' }]), ['order-1']);
    assert.deepEqual(keys([{ kind: 'json', path: 'customer.name', op: 'contains', operand: 'o' }]), ['order-2']);
    assert.deepEqual(keys([{ kind: 'json', path: 'tags[1]', op: 'exists' }]), ['order-1']);
    assert.deepEqual(keys([{ kind: 'json', path: 'eventType', op: 'exists' }]), ['e']);
  });

  it('message-type shortcut: common type fields, or a named one', () => {
    assert.deepEqual(keys([{ kind: 'type', type: 'OrderPaid' }]), ['order-2']);
    assert.deepEqual(keys([{ kind: 'type', type: 'Ping' }]), ['e']);
    assert.deepEqual(keys([{ kind: 'type', field: 'customer.name', type: 'Ada' }]), ['order-1']);
  });

  it('criteria combine: all must match', () => {
    const spec: FilterSpec = [
      { kind: 'header', name: 'source' },
      { kind: 'json', path: 'total', op: '>', operand: '5' },
      { kind: 'substring', field: 'value', text: 'paid' },
    ];
    assert.deepEqual(keys(spec), ['order-2']);
    assert.equal(describeFilter(spec), 'header source and total > 5 and value contains "paid"');
  });

  it('parses JSON paths and refuses empty or malformed ones', () => {
    assert.deepEqual(parseJsonPath('$.a.b[2].c'), ['a', 'b', 2, 'c']);
    assert.deepEqual(parseJsonPath('a/b'), ['a', 'b']);
    assert.throws(() => parseJsonPath('$'), /empty/);
    assert.throws(() => parseJsonPath('a[x]'), /not valid/);
  });
});

describe('traceRequestFor (tail → Trace conversation)', () => {
  it('takes the configured correlation header first, then the presets, with a window around the message', () => {
    const request = traceRequestFor({ headers: { kafka_correlationId: 'spring-1', 'x-id': 'mine' }, timestamp: 1_000_000 }, 'x-id', 60_000);
    assert.deepEqual(request, { correlationId: 'mine', header: 'x-id', fromTime: 970_000, toTime: 1_030_000 });
    const preset = traceRequestFor({ headers: { kafka_correlationId: 'spring-1' }, timestamp: 0 }, 'x-id', 10);
    assert.equal(typeof preset === 'string' ? preset : preset.correlationId, 'spring-1');
  });

  it('says which headers it looked for when there is none', () => {
    const none = traceRequestFor({ headers: { other: '1' }, timestamp: 0 }, 'correlation-id', 10);
    assert.equal(typeof none, 'string');
    assert.match(none as string, /no correlation header \(looked for .*correlation-id/);
  });
});
