import * as assert from 'node:assert/strict';
import { headerList } from '../../src/core/message';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeliveryUnknownError } from '../../src/core/errors';
import { compileContract, findContract, topicMatches } from '../../src/produce/contracts';
import { isEnvelope } from '../../src/produce/envelope';
import { arrayElementRanges, parseJson, positionAt } from '../../src/produce/jsonText';
import { describeSummary, producePipeline } from '../../src/produce/pipeline';
import { detectShape, isIssue, parseText, readDirectives } from '../../src/produce/shapes';
import { fileLines, jsonlItems, textLines } from '../../src/produce/source';
import { TemplateContext, expandJson, expandText } from '../../src/produce/templates';
import type { SourceIssue, SourceMessage } from '../../src/produce/types';
import { makeTempDir, removeDir } from '../harness/util';

const auto = { envelope: 'auto' as const };

function messages(items: (SourceMessage | SourceIssue)[]): SourceMessage[] {
  return items.filter((i): i is SourceMessage => !isIssue(i));
}

describe('produce: shapes', () => {
  it('detects the shape from the language id, the file name and the content', () => {
    assert.equal(detectShape('plaintext', 'a.txt', 'hello'), 'text');
    assert.equal(detectShape('json', 'a.json', '{"a":1}'), 'json');
    assert.equal(detectShape('jsonl', 'a.txt', '{"a":1}'), 'jsonl');
    assert.equal(detectShape('plaintext', 'a.ndjson', '{"a":1}'), 'jsonl');
    assert.equal(detectShape('json', 'a.json', '{"a":1}\n{"a":2}\n'), 'jsonl');
    assert.equal(detectShape('plaintext', 'x', '[1,2]'), 'json');
    assert.equal(detectShape('plaintext', 'x', '{ not json'), 'text');
    assert.equal(detectShape('json', 'a.json', '{ broken'), 'json');
  });

  it('sends plain text and a JSON object exactly as written, one message', () => {
    const pretty = '{\n  "a": 1\n}\n';
    assert.deepEqual(messages(parseText(pretty, 'json', auto)).map((m) => m.message.value), [pretty]);
    assert.deepEqual(messages(parseText('just text\n', 'text', auto)).map((m) => m.message.value), ['just text\n']);
  });

  it('splits a JSON array into one message per element, each at its line', () => {
    const text = '[\n  {"id": 1},\n  "two",\n  [3, {"x": "]"}]\n]';
    const out = messages(parseText(text, 'json', auto));
    assert.deepEqual(out.map((m) => [m.line, m.message.value]), [[1, '{"id": 1}'], [2, '"two"'], [3, '[3, {"x": "]"}]']]);
    assert.deepEqual(arrayElementRanges('[]'), []);
  });

  it('splits JSONL into one message per non-empty line, skipping comments, with syntax errors at line and column', () => {
    const text = '// @topic orders\n{"a":1}\n\n  {"a":2,}\n{"a":3}\n';
    const out = parseText(text, 'jsonl', auto);
    assert.deepEqual(messages(out).map((m) => [m.line, m.message.value]), [[1, '{"a":1}'], [4, '{"a":3}']]);
    const issue = out.find(isIssue)!;
    assert.equal(issue.line, 3);
    assert.equal(issue.kind, 'syntax');
    assert.equal(issue.column, 9);
    assert.match(issue.message, /^Malformed JSON/);
    assert.deepEqual(readDirectives(['// @topic orders @cluster "My Local"', '{"a":1}', '// @topic ignored']), { topic: 'orders', cluster: 'My Local' });
  });

  it('sends an envelope\'s JSON value as written (compacted): 64-bit ids, 1.0 and escapes exact, unless placeholders generate it', () => {
    const text = '{"key": 90071992547409931, "value": {"id": 12345678901234567890, "f": 1.0, "e": "\\u00e9"}}\n{"value": {"n": "{{seq}}", "id": 12345678901234567890}}';
    const out = messages(parseText(text, 'jsonl', { envelope: 'auto', templates: new TemplateContext() })).map((m) => [m.message.key, m.message.value]);
    assert.deepEqual(out, [
      ['90071992547409931', '{"id":12345678901234567890,"f":1.0,"e":"\\u00e9"}'],
      // With placeholders the value is generated from the parsed JSON: big integers in it are rounded (README, Limits).
      [undefined, '{"n":2,"id":12345678901234567000}'],
    ]);
  });

  it('reads "value": null in an envelope as a tombstone (null value, key kept), in JSON arrays and JSONL', () => {
    const jsonl = messages(parseText('{"key":"k1","value":null}\n{"key":"k2","value":"null"}\n', 'jsonl', auto));
    assert.deepEqual(jsonl.map((m) => [m.message.key, m.message.value]), [['k1', null], ['k2', 'null']]);
    const array = messages(parseText('[{"key":"gone","value":null,"headers":{"why":"deleted"}}]', 'json', { envelope: 'auto', templates: new TemplateContext() }));
    assert.deepEqual(array.map((m) => [m.message.key, m.message.value, m.message.headers]), [['gone', null, headerList({ why: 'deleted' })]]);
  });

  it('reports malformed JSON at its line and column', () => {
    const [issue] = parseText('{\n  "a": 1,\n  "b": ]\n}', 'json', auto);
    assert.ok(isIssue(issue));
    assert.deepEqual([issue.line, issue.column], [2, 7]);
    assert.deepEqual(positionAt('ab\ncd', 4), { line: 1, column: 1 });
    assert.throws(() => parseJson('{'), /Malformed JSON/);
  });

  it('says that comments are not JSON and how to proceed, at the comment', () => {
    const [issue] = parseText('{\n  // the order\n  "id": 1\n}', 'json', auto);
    assert.ok(isIssue(issue));
    assert.deepEqual([issue.line, issue.column], [1, 2]);
    assert.match(issue.message, /^Comments are not JSON: remove the \/\/ or \/\* \*\/ comment, or produce from a JSONL file .*a line starting with \/\/ is a comment\.$/);
    assert.throws(() => parseJson('{"a": 1 /* note */}'), /^Error: Comments are not JSON/);
    // In JSONL a whole-line comment is skipped; a trailing one is the same mistake.
    const lines = parseText('// produced by hand\n{"a": 1} // trailing\n', 'jsonl', auto);
    assert.equal(lines.length, 1);
    assert.ok(isIssue(lines[0]));
    assert.match(lines[0].message, /^Comments are not JSON/);
  });

  it('applies the envelope rule: value plus only known fields', () => {
    assert.equal(isEnvelope({ value: 1 }), true);
    assert.equal(isEnvelope({ key: 'k', value: { a: 1 }, headers: {}, partition: 0, timestamp: 1 }), true);
    assert.equal(isEnvelope({ value: 1, other: 2 }), false);
    assert.equal(isEnvelope({ key: 'k' }), false);
    const [m] = messages(parseText('{"key": 7, "value": {"a": 1}, "headers": {"h": "v", "n": 2}, "partition": 1, "timestamp": "2025-01-01T00:00:00Z"}', 'json', auto));
    assert.deepEqual(m.message, { key: '7', value: '{"a":1}', headers: headerList({ h: 'v', n: '2' }), partition: 1, timestamp: String(Date.parse('2025-01-01T00:00:00Z')) });
    assert.deepEqual(m.parsedValue, { a: 1 });
    const plain = messages(parseText('{"value": 1, "other": 2}', 'json', auto))[0];
    assert.equal(plain.message.value, '{"value": 1, "other": 2}');
    const never = messages(parseText('{"value": 1}', 'json', { envelope: 'never' }))[0];
    assert.equal(never.message.value, '{"value": 1}');
    const [bad] = parseText('[{"value": 1, "partition": -1}]', 'json', auto);
    assert.ok(isIssue(bad) && bad.kind === 'envelope' && /partition/.test(bad.message));
    const [strict] = parseText('{"a": 1}', 'json', { envelope: 'always' });
    assert.ok(isIssue(strict));
  });

  it('applies default key, headers and partition to messages that set none', () => {
    const out = messages(parseText('{"a":1}\n{"key":"own","value":2}', 'jsonl', { envelope: 'auto', defaults: { key: 'd', headers: { h: '1' }, partition: 2 } }));
    assert.deepEqual(out.map((m) => [m.message.key, m.message.partition]), [['d', 2], ['own', 2]]);
  });
});

describe('produce: templates', () => {
  it('expands placeholders in text, keeps unknown names, and counts {{seq}} per message', () => {
    const ctx = new TemplateContext();
    const text = expandText('{{seq}} {{uuid}} {{unknown}} {{int 5 5}} {{pick a}} {{faker.string.alpha}}', ctx);
    const [seq, uuid, unknown, int, pick, alpha] = text.split(' ');
    assert.equal(seq, '1');
    assert.match(uuid, /^[0-9a-f-]{36}$/);
    assert.equal(unknown, '{{unknown}}');
    assert.equal(int, '5');
    assert.equal(pick, 'a');
    assert.match(alpha, /^[A-Za-z]$/);
    assert.equal(expandText('no braces', ctx), 'no braces');
  });

  it('gives single-placeholder JSON strings the generated type', () => {
    const ctx = new TemplateContext(10);
    const out = expandJson({ n: '{{int 1 1}}', s: 'id-{{seq}}', b: '{{bool}}', e: '{{email}}', list: ['{{seq}}'] }, ctx) as Record<string, unknown>;
    assert.equal(out.n, 1);
    assert.equal(out.s, 'id-10');
    assert.equal(typeof out.b, 'boolean');
    assert.match(String(out.e), /@/);
    assert.deepEqual(out.list, [10]);
  });

  it('produces distinct values per message in an envelope (key, value and headers)', () => {
    const text = '{"key": "{{uuid}}", "value": {"n": "{{seq}}", "who": "{{name}}"}, "headers": {"trace": "{{uuid}}"}}';
    const ctx = new TemplateContext();
    const out = [0, 1, 2].map(() => messages(parseText(text, 'json', { envelope: 'auto', templates: ctx }))[0].message);
    assert.equal(new Set(out.map((m) => m.key)).size, 3);
    assert.equal(new Set(out.map((m) => headerList(m.headers).find((h) => h.name === 'trace')?.value?.text)).size, 3);
    assert.deepEqual(out.map((m) => (JSON.parse(m.value ?? 'null') as { n: number }).n), [1, 2, 3]);
  });
});

describe('produce: contracts', () => {
  it('matches topics by name, glob and /regex/', () => {
    assert.equal(topicMatches('orders', 'orders'), true);
    assert.equal(topicMatches('orders', 'orders-2'), false);
    assert.equal(topicMatches('orders.*', 'orders.eu'), true);
    assert.equal(topicMatches('orders.*', 'ordersXeu'), false);
    assert.equal(topicMatches('/^o.+s$/', 'orders'), true);
    assert.equal(findContract([{ topic: 'a*', schema: 'a.json' }, { topic: '*', schema: 'all.json' }], 'b')?.schema, 'all.json');
  });

  it('validates values with ajv and says where they break it', () => {
    const validate = compileContract({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }, 'order.json');
    assert.equal(validate({ id: 1 }), undefined);
    assert.match(validate({ id: 'x' }) ?? '', /order\.json: \/id must be integer/);
    assert.match(validate({}) ?? '', /must have required property 'id'/);
    assert.throws(() => compileContract({ type: 'nope' }, 'bad.json'), /not a valid JSON Schema/);
  });
});

describe('produce: streaming and the pipeline', () => {
  let dir: string;
  before(() => (dir = makeTempDir('produce-unit')));
  after(() => removeDir(dir));

  it('streams a file line by line and an in-memory text lazily', async () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, '{"a":1}\n\n{"a":2}\r\n{"a":3}');
    const lines: string[] = [];
    for await (const l of fileLines(file)) {
      lines.push(l.text);
    }
    assert.deepEqual(lines, ['{"a":1}', '', '{"a":2}', '{"a":3}']);
    assert.deepEqual([...textLines('x\ny\n', 5)].map((l) => [l.line, l.text]), [[5, 'x'], [6, 'y']]);
    const items: SourceMessage[] = [];
    for await (const i of jsonlItems(fileLines(file), auto)) {
      items.push(i as SourceMessage);
    }
    assert.deepEqual(items.map((i) => [i.line, i.message.value]), [[0, '{"a":1}'], [2, '{"a":2}'], [3, '{"a":3}']]);
  });

  // The send function stands in for the broker: this checks the pipeline's own accounting only.
  it('batches, assigns partitions, and accounts offsets, failures and cancellation exactly', async () => {
    const items = messages(parseText(Array.from({ length: 25 }, (_, i) => `{"i":${i}}`).join('\n') + '\n{bad', 'jsonl', auto));
    const all: (SourceMessage | SourceIssue)[] = [...items, ...parseText('{bad', 'jsonl', auto).map((i) => ({ ...i, line: 25 }))];
    const next = new Map<number, number>();
    const sent: number[][] = [];
    const summary = await producePipeline(all, 't', (batch) => {
      sent.push(batch.map((m) => m.partition ?? -1));
      const counts = new Map<number, number>();
      batch.forEach((m) => counts.set(m.partition!, (counts.get(m.partition!) ?? 0) + 1));
      return Promise.resolve(
        [...counts].map(([partition, n]) => {
          const base = next.get(partition) ?? 0;
          next.set(partition, base + n);
          return { topic: 't', partition, offset: String(base) };
        }),
      );
    }, { batchSize: 10, maxInFlight: 2, partitionCount: 3, partitionForKey: () => 0, reject: (m) => (m.line === 7 ? 'no sevens' : undefined) });
    assert.equal(summary.sent, 24);
    assert.equal(summary.failed, 2);
    assert.equal(summary.rejected, 1);
    assert.deepEqual(summary.failures.map((f) => f.line), [7, 25]);
    assert.deepEqual(sent.map((b) => b.length), [10, 10, 4]);
    assert.deepEqual(sent.map((b) => b[0]), [0, 1, 2]);
    assert.deepEqual(summary.ranges, [
      { partition: 0, first: '0', last: '9', count: 10 },
      { partition: 1, first: '0', last: '9', count: 10 },
      { partition: 2, first: '0', last: '3', count: 4 },
    ]);
    assert.match(describeSummary('t', summary), /^24 sent to "t"; 2 failed \(not written\); p0 0\.\.9, p1 0\.\.9, p2 0\.\.3\. First failure: line 8: no sevens/);

    let calls = 0;
    const cancelled = await producePipeline(items, 't', (batch) => {
      calls++;
      return Promise.resolve([{ topic: 't', partition: batch[0].partition ?? 0, offset: '0' }]);
    }, { batchSize: 5, maxInFlight: 1, partitionCount: 1, partitionForKey: () => 0, isCancelled: () => calls >= 2 });
    assert.equal(cancelled.cancelled, true);
    assert.equal(cancelled.sent, 10);
    assert.deepEqual([cancelled.notTried, cancelled.firstNotTried?.line], [15, 10], 'the rest is counted as not tried');

    const stopped = await producePipeline(items, 't', () => Promise.reject(new Error('refused')), {
      batchSize: 5, maxInFlight: 1, partitionCount: 1, partitionForKey: () => 0,
    });
    assert.equal(stopped.stoppedBy, 'refused');
    assert.equal(stopped.sent, 0);
    assert.equal(stopped.failed, 5);
    assert.deepEqual([stopped.unknown, stopped.notTried, stopped.firstNotTried?.line], [0, 20, 5]);

    // A request written but not answered: its messages are unknown, never failed; the rest not tried.
    let sends = 0;
    const lost = await producePipeline(items, 't', (batch) => {
      sends++;
      return sends === 2 ? Promise.reject(new DeliveryUnknownError('connection closed')) : Promise.resolve([{ topic: 't', partition: batch[0].partition ?? 0, offset: String((sends - 1) * 5) }]);
    }, { batchSize: 5, maxInFlight: 1, partitionCount: 1, partitionForKey: () => 0 });
    assert.deepEqual([lost.sent, lost.failed, lost.unknown, lost.notTried], [5, 0, 5, 15]);
    assert.deepEqual(lost.unknowns.map((u) => u.line), [5, 6, 7, 8, 9]);
    assert.match(describeSummary('t', lost), /^Stopped: 5 sent to "t"; 5 unknown \(in flight.*; 15 not tried \(from line 11\)/);
  });
});
