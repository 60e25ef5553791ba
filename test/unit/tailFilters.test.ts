import * as assert from 'node:assert/strict';
import { headerList } from '../../src/core/message';
import { type FilterSpec, type FilterableMessage, compileFilter, describeFilter, filterSpecProblem, isFilterSpec, parseJsonPath } from '../../src/tail/filters';
import { traceRequestFor } from '../../src/webview/tailTrace';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const messages: FilterableMessage[] = [
  { topic: 'orders', key: 'order-1', value: '{"type":"OrderCreated","total":42,"status":"new","tags":["vip","eu"],"customer":{"name":"Ada"}}', headers: headerList({ source: 'web' }), timestamp: T0 },
  { topic: 'orders', key: 'order-2', value: '{"type":"OrderPaid","total":7.5,"status":"paid","tags":[],"customer":{"name":"Bob"}}', headers: headerList({ source: 'app', trace: 'x' }), timestamp: T0 + 1000 },
  { topic: 'orders', key: null, value: 'plain text ERROR here', headers: [], timestamp: T0 + 2000 },
  { topic: 'orders', key: 'K', value: null, headers: [], timestamp: T0 + 2999 },
  { topic: 'events', key: 'e', value: '{"eventType":"Ping","when":"2024-05-01T00:00:00Z"}', headers: [], timestamp: T0 + 60_000 },
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

  it('time: from and to inclusive, either end open', () => {
    assert.deepEqual(keys([{ kind: 'time', from: T0 + 1000, to: T0 + 2999 }]), ['order-2', null, 'K']);
    assert.deepEqual(keys([{ kind: 'time', from: T0 + 1001, to: T0 + 2998 }]), [null]);
    assert.deepEqual(keys([{ kind: 'time', from: T0 + 3000 }]), ['e']);
    assert.deepEqual(keys([{ kind: 'time', to: T0 }]), ['order-1']);
    assert.deepEqual(keys([{ kind: 'time', from: T0 + 60_000, to: T0 + 60_000 }]), ['e']);
    assert.deepEqual(keys([{ kind: 'time', from: T0 + 5000, to: T0 + 6000 }]), []);
  });

  it('time combines with the other criteria and is described in UTC', () => {
    const spec: FilterSpec = [{ kind: 'substring', field: 'key', text: 'order' }, { kind: 'time', from: T0 + 500, to: T0 + 1500 }];
    assert.deepEqual(keys(spec), ['order-2']);
    assert.equal(describeFilter(spec), 'key contains "order" and time 2024-05-01 12:00:00.500 – 12:00:01.500 UTC');
    assert.equal(describeFilter([{ kind: 'time', from: T0, to: Date.UTC(2024, 4, 2) }]), 'time 2024-05-01 12:00:00.000 – 2024-05-02 00:00:00.000 UTC');
    assert.equal(describeFilter([{ kind: 'time', from: T0 }]), 'time ≥ 2024-05-01 12:00:00.000 UTC');
    assert.equal(describeFilter([{ kind: 'time', to: T0 }]), 'time ≤ 2024-05-01 12:00:00.000 UTC');
  });

  it('refuses a time range that ends before it starts, has no end, or is not numbers', () => {
    assert.throws(() => compileFilter([{ kind: 'time', from: T0 + 1, to: T0 }]), /ends \(2024-05-01 12:00:00.000\) before it starts \(2024-05-01 12:00:00.001\)/);
    assert.throws(() => compileFilter([{ kind: 'time' }]), /needs from and\/or to/);
    assert.equal(isFilterSpec([{ kind: 'time', from: '1', to: 2 }]), false);
    assert.equal(isFilterSpec([{ kind: 'time', from: Number.NaN }]), false);
    assert.equal(isFilterSpec([{ kind: 'time', from: 0, to: Number.POSITIVE_INFINITY }]), false);
  });

  it('validates a filter that arrives as data, naming the bad criterion', () => {
    assert.equal(filterSpecProblem([]), undefined);
    const valid: FilterSpec = [
      { kind: 'substring', field: 'any', text: 'x', caseSensitive: true },
      { kind: 'regex', field: 'key', pattern: 'a+', flags: 'i' },
      { kind: 'header', name: 'h' },
      { kind: 'json', path: 'a.b', op: 'contains', operand: '1' },
      { kind: 'type', type: 'T', field: 'kind' },
      { kind: 'time', from: 0, to: 1 },
    ];
    assert.equal(filterSpecProblem(valid), undefined);
    assert.equal(filterSpecProblem('nope'), 'A filter is a list of criteria.');
    assert.match(filterSpecProblem([{ kind: 'header', name: 'h' }, { kind: 'json', path: 'a', op: '~' }]) ?? '', /^Filter criterion 2: a JSON criterion needs a path and op/);
    for (const bad of [null, 7, { kind: 'nope' }, { kind: 'substring', field: 'body', text: 'x' }, { kind: 'substring', field: 'key' }, { kind: 'regex', field: 'key', pattern: 1 }, { kind: 'header', name: 'h', value: 2 }, { kind: 'type' }]) {
      assert.equal(isFilterSpec([bad]), false, JSON.stringify(bad));
    }
    assert.throws(() => compileFilter([{ kind: 'nope' } as unknown as FilterSpec[number]]), /Filter criterion 1: unknown kind "nope"/);
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
    const request = traceRequestFor({ headers: headerList({ kafka_correlationId: 'spring-1', 'x-id': 'mine' }), timestamp: 1_000_000 }, 'x-id', 60_000);
    assert.deepEqual(request, { correlationId: 'mine', header: 'x-id', fromTime: 970_000, toTime: 1_030_000 });
    const preset = traceRequestFor({ headers: headerList({ kafka_correlationId: 'spring-1' }), timestamp: 0 }, 'x-id', 10);
    assert.equal(typeof preset === 'string' ? preset : preset.correlationId, 'spring-1');
  });

  it('says which headers it looked for when there is none', () => {
    const none = traceRequestFor({ headers: headerList({ other: '1' }), timestamp: 0 }, 'correlation-id', 10);
    assert.equal(typeof none, 'string');
    assert.match(none as string, /no correlation header \(looked for .*correlation-id/);
  });
});
