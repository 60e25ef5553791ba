import * as assert from 'node:assert/strict';
import type { ConversationTransport, RawOutgoing, RawRecord, RecordStream } from '../../src/core/conversationTransport';
import { silentLogger } from '../../src/core/brokerClient';
import {
  PRESETS,
  correlationCandidates,
  formatCorrelationId,
  knownCorrelationHeaders,
  parseCorrelationId,
  requestHeaders,
} from '../../src/conversations/conventions';
import { ReplyTimeout, RequestCancelled, RequestReplyCorrelator } from '../../src/conversations/correlator';
import { renderReply, viewOfRequest } from '../../src/conversations/replyTemplate';
import { requestFromText } from '../../src/conversations/requestSource';
import { buildTimeline, renderTraceMarkdown } from '../../src/conversations/trace';
import { TemplateContext } from '../../src/produce/templates';

function record(fields: Partial<RawRecord>): RawRecord {
  return { topic: 't', partition: 0, offset: '0', timestamp: 0, key: null, value: null, headers: [], ...fields };
}

/** An in-memory stand-in for the transport: keeps sends, lets the test deliver replies. */
class MemoryTransport implements ConversationTransport {
  readonly sent: { topic: string; message: RawOutgoing }[] = [];
  listener: ((r: RawRecord) => void) | undefined;
  listens = 0;
  send(topic: string, messages: RawOutgoing[]): Promise<void> {
    messages.forEach((message) => this.sent.push({ topic, message }));
    return Promise.resolve();
  }
  listen(_topics: string[], onRecord: (r: RawRecord) => void): Promise<RecordStream> {
    this.listens++;
    this.listener = onRecord;
    return Promise.resolve({ groupId: 'g', stop: () => Promise.resolve() });
  }
  readWindow(): Promise<{ records: RawRecord[]; complete: boolean }> {
    return Promise.resolve({ records: [], complete: true });
  }
}

describe('conversations: conventions', () => {
  it('presets name the common header conventions', () => {
    assert.deepEqual([PRESETS.plain.correlationHeader, PRESETS.plain.replyToHeader], ['correlation-id', 'reply-to']);
    assert.deepEqual([PRESETS.spring.correlationHeader, PRESETS.spring.replyToHeader, PRESETS.spring.idEncoding], ['kafka_correlationId', 'kafka_replyTopic', 'uuid-bytes']);
    const ce = requestHeaders(PRESETS.cloudevents, Buffer.from('id-1'), 'replies');
    assert.equal(ce.ce_replyto, 'replies');
    assert.equal(ce.ce_specversion, '1.0');
    assert.ok(knownCorrelationHeaders(['x-cid']).includes('x-cid'));
  });

  it('parses typed ids as text, UUID bytes or hex, and formats bytes as text, UUID or hex', () => {
    const uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    assert.equal(parseCorrelationId(uuid, 'uuid-bytes').length, 16);
    assert.equal(parseCorrelationId(uuid, 'text').toString(), uuid);
    assert.deepEqual([...parseCorrelationId('hex:00ff10', 'text')], [0, 255, 16]);
    assert.throws(() => parseCorrelationId('  ', 'text'), /cannot be empty/);
    assert.equal(formatCorrelationId(Buffer.from('order-7')), 'order-7');
    assert.equal(formatCorrelationId(parseCorrelationId(uuid, 'uuid-bytes')), uuid);
    assert.equal(formatCorrelationId(Buffer.from([0, 255, 16])), 'hex:00ff10');
    assert.equal(correlationCandidates(uuid).length, 2);
  });

  it('reads a request file: plain text, an envelope with headers and id, an object lending its correlationId', () => {
    assert.deepEqual(requestFromText('hello', 'correlation-id'), { value: 'hello', headers: {} });
    assert.deepEqual(requestFromText('{"key": "k", "value": {"a": 1}, "headers": {"correlation-id": "c-1", "h": 2}}', 'correlation-id'), {
      key: 'k',
      value: '{"a":1}',
      headers: { h: '2' },
      correlationId: 'c-1',
    });
    const body = '{"correlationId": "c-2", "orderId": 1}';
    assert.deepEqual(requestFromText(body, 'correlation-id'), { value: body, headers: {}, correlationId: 'c-2' });
  });
});

describe('conversations: reply templates', () => {
  const request = viewOfRequest(
    record({ key: Buffer.from('cust-1'), value: Buffer.from('{"orderId": 42, "items": [{"sku": "A"}]}'), headers: [{ name: 'tenant', value: Buffer.from('acme') }] }),
    Buffer.from('cid-9'),
  );

  it('a JSON template keeps field types and fills keys, headers, nested values and generated data', () => {
    const out = JSON.parse(
      renderReply('{"id": "{{request.value.orderId}}", "sku": "{{request.value.items.0.sku}}", "msg": "for {{request.key}} of {{request.headers.tenant}}", "cid": "{{correlationId}}", "missing": "{{request.value.nope}}", "n": "{{seq}}"}', request, new TemplateContext()),
    ) as Record<string, unknown>;
    assert.deepEqual(out, { id: 42, sku: 'A', msg: 'for cust-1 of acme', cid: 'cid-9', missing: null, n: 1 });
  });

  it('a text template interpolates, and request content is never expanded as a placeholder', () => {
    const sneaky = viewOfRequest(record({ value: Buffer.from('{{uuid}}') }), Buffer.from('c'));
    assert.equal(renderReply('got {{request.value}} ({{request.missing}})', sneaky, new TemplateContext()), 'got {{uuid}} ()');
    assert.equal(renderReply('whole: {{request.value}}', request, new TemplateContext()), 'whole: {"orderId":42,"items":[{"sku":"A"}]}');
  });
});

describe('conversations: correlator (in memory)', () => {
  it('settles each waiting request with the reply carrying its id, over one listener', async () => {
    const transport = new MemoryTransport();
    const correlator = new RequestReplyCorrelator(transport, 'replies', PRESETS.plain, silentLogger);
    const pending = [1, 2, 3].map((n) => correlator.request({ topic: 'requests', value: String(n), timeoutMs: 5_000 }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(transport.listens, 1);
    assert.equal(correlator.inFlight, 3);
    // Replies arrive in reverse order, plus one for nobody.
    transport.listener!(record({ headers: [{ name: 'correlation-id', value: Buffer.from('stranger') }] }));
    for (const { message } of [...transport.sent].reverse()) {
      const id = (message.headers as Record<string, Buffer>)['correlation-id'];
      transport.listener!(record({ value: Buffer.from(`re ${String(message.value)}`), headers: [{ name: 'correlation-id', value: id }] }));
    }
    const trips = await Promise.all(pending);
    assert.deepEqual(trips.map((t) => t.reply.value?.toString()), ['re 1', 're 2', 're 3']);
    assert.equal(correlator.inFlight, 0);
  });

  it('times out, cancels on abort, and refuses a duplicate id', async () => {
    const correlator = new RequestReplyCorrelator(new MemoryTransport(), 'replies', PRESETS.plain, silentLogger);
    await assert.rejects(correlator.request({ topic: 'r', value: 'x', timeoutMs: 20 }), ReplyTimeout);
    const abort = new AbortController();
    const waiting = correlator.request({ topic: 'r', value: 'x', timeoutMs: 5_000, signal: abort.signal, correlationId: Buffer.from('same') });
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(correlator.request({ topic: 'r', value: 'y', timeoutMs: 5_000, correlationId: Buffer.from('same') }), /already waiting/);
    abort.abort();
    await assert.rejects(waiting, RequestCancelled);
    assert.equal(correlator.inFlight, 0);
  });
});

describe('conversations: trace timeline', () => {
  it('keeps matching messages in time order with latencies, whichever header and byte form carries the id', () => {
    const id = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const steps = buildTimeline(
      [
        record({ topic: 'b', timestamp: 300, headers: [{ name: 'kafka_correlationId', value: Buffer.from(id.replace(/-/g, ''), 'hex') }] }),
        record({ topic: 'a', timestamp: 100, headers: [{ name: 'correlation-id', value: Buffer.from(id) }], value: Buffer.from('``` tricky') }),
        record({ topic: 'a', timestamp: 150, headers: [{ name: 'correlation-id', value: Buffer.from('other') }] }),
        record({ topic: 'c', timestamp: 1_000, headers: [{ name: 'ce_correlationid', value: Buffer.from(id) }] }),
      ],
      id,
      knownCorrelationHeaders(),
    );
    assert.deepEqual(steps.map((s) => [s.topic, s.latencyMs, s.elapsedMs, s.header]), [
      ['a', 0, 0, 'correlation-id'],
      ['b', 200, 200, 'kafka_correlationId'],
      ['c', 700, 900, 'ce_correlationid'],
    ]);
    const markdown = renderTraceMarkdown({ correlationId: id, topics: ['a', 'b', 'c'], fromTime: 'x', toTime: 'y', scanned: 4, complete: true, steps, totalMs: 900 });
    assert.match(markdown, /\| 2 \| .* \| b \| 0\/0 \| — \| \+200 ms \| 200 ms \|/);
    assert.ok(markdown.includes('````\n``` tricky\n````'), 'a payload with backticks gets a longer fence');
  });
});
