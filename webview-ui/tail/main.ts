/**
 * Browser side of the tail panel. The host keeps the messages; this page shows the rows in view,
 * the filter bar, counts, the histogram of message times (drag to select a time range), jump to
 * offset, the details of one message, and the push/pull and group controls.
 * Everything is rendered as text (textContent): message content is untrusted.
 */
import type { TailState } from '../../src/core/brokerClient';
import type { HostToWebview, TailDetails, TailPanelInfo, TailStatus, WebviewToHost } from '../../src/webview/protocol';
import { DetailsLayout } from './detailsLayout';
import { assertNever, button, el, input, text } from './dom';
import { FilterBar } from './filterBar';
import { HistogramView } from './histogramView';
import { JumpBox } from './jumpBox';
import { VirtualTable } from './virtualTable';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

let info: TailPanelInfo | undefined;
let state: TailState = 'connecting';
let status: TailStatus | undefined;

const toolbar = el('div', 'toolbar');
const heading = el('span', 'heading');
const badge = el('span', 'badge');
const identity = el('span', 'identity');
const counter = el('span', 'counter');
const filterDescription = el('span', 'filter-description');
const pauseButton = button('Pause', () => vscode.postMessage({ type: state === 'paused' ? 'resume' : 'pause' }));
const clearButton = button('Clear', () => vscode.postMessage({ type: 'clear' }));
const exportButtons = (['json', 'jsonl', 'csv'] as const).map((format) =>
  button(format.toUpperCase(), () => vscode.postMessage({ type: 'export', format }), `Export the shown messages as ${format.toUpperCase()}`),
);
const exportGroup = el('span', 'group');
exportGroup.append(text('span', 'Export', 'label'), ...exportButtons);
toolbar.append(heading, badge, identity, el('span', 'spacer'), pauseButton, clearButton, exportGroup);

const modeBar = el('div', 'modebar');
const modeLabel = el('span', 'mode');
const tradeOff = el('span', 'tradeoff');
const pullCount = input('N', 'pull-count', '60px');
const pullEvery = input('every N s (0 = off)', 'pull-every', '110px');
const fetchButton = button('Fetch next', () => vscode.postMessage({ type: 'fetchNext', count: Math.max(1, Number(pullCount.value) || 100) }));
const pullControls = el('span', 'group pull');
pullControls.append(fetchButton, pullCount, text('span', 'every', 'label'), pullEvery, text('span', 's', 'label'));
pullEvery.addEventListener('change', () => vscode.postMessage({ type: 'pullEvery', seconds: Math.max(0, Math.floor(Number(pullEvery.value) || 0)) }));
modeBar.append(modeLabel, counter, filterDescription, pullControls, tradeOff);

const filterBar = new FilterBar((spec) => vscode.postMessage({ type: 'filter', spec }));
const jumpNote = el('div', 'jump-note');
jumpNote.hidden = true;
const jumpBox = new JumpBox((message) => vscode.postMessage(message), say);
const histogram = new HistogramView((range) => vscode.postMessage({ type: 'timeRange', range }));
histogram.head.append(jumpBox.element);
const stateDetail = el('div', 'detail');
const notice = el('div', 'notice');
const table = new VirtualTable(
  (requestId, start, count) => vscode.postMessage({ type: 'rows', requestId, start, count }),
  (seq) => vscode.postMessage({ type: 'details', seq }),
);
const empty = el('div', 'empty');
const detailsPane = el('div', 'details');
const main = el('div', 'main');
detailsPane.hidden = true;
const layout = new DetailsLayout(main, table.element, detailsPane);
app.append(toolbar, modeBar, filterBar.element, jumpNote, histogram.element, stateDetail, notice, empty, main);

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      info = message.info;
      showInfo(info);
      setState(message.state, message.detail);
      break;
    case 'state':
      setState(message.state, message.detail);
      break;
    case 'status':
      showStatus(message.status);
      break;
    case 'rows':
      table.render(message.requestId, message.total, message.rows);
      break;
    case 'details':
      showDetails(message.details);
      break;
    case 'histogram':
      histogram.update(message.histogram);
      break;
    case 'jumped':
      say(message.jump.text, message.jump.found ? 'found' : 'missing');
      if (message.jump.index !== undefined && message.jump.seq !== undefined) {
        table.reveal(message.jump.index, message.jump.seq, message.total);
      }
      break;
    case 'cleared':
      table.clear();
      showDetails(undefined);
      break;
    default:
      assertNever(message);
  }
});

vscode.postMessage({ type: 'ready' });

function showInfo(i: TailPanelInfo): void {
  heading.textContent = `${i.topics.join(', ')} on ${i.clusterName} · from ${i.start}`;
  jumpBox.setTopics(i.topics);
  layout.setSingleTopic(i.topics.length === 1);
  identity.textContent =
    i.identity.kind === 'broadcast'
      ? 'Broadcast: sees every message, commits nothing, leaves no group'
      : `Shared group "${i.identity.groupId}": competing consumers, gets its share, commits`;
  identity.className = `identity ${i.identity.kind}`;
  modeLabel.textContent = i.mode === 'push' ? 'Push (live)' : 'Pull (on demand)';
  pullControls.hidden = i.mode !== 'pull';
  pullCount.value = String(i.pullCount);
  pullEvery.value = String(i.pullEverySeconds);
  tradeOff.textContent =
    i.mode === 'push'
      ? 'Push shows messages the moment they arrive, but a busy topic sets the pace and the load.'
      : 'Pull fetches only when you ask (or every N seconds), so you control the load, at the cost of seeing messages later.';
}

function showStatus(s: TailStatus): void {
  status = s;
  const c = s.counts;
  const lag = s.lag === undefined ? '' : ` · lag ${s.lag.toLocaleString()}`;
  // While a new filter is applied to a large store, the rows are the previous filter's; say so.
  counter.textContent =
    s.filtering === undefined
      ? `${c.matched.toLocaleString()} matched / ${c.retained.toLocaleString()} retained in the panel${lag}`
      : `Applying the filter… ${Math.floor(s.filtering * 100)}% of ${c.retained.toLocaleString()} (the rows are the previous filter's until then)${lag}`;
  filterDescription.textContent = s.filter ? `Filter: ${s.filter}` : '';
  filterDescription.title = filterDescription.textContent;
  histogram.setSelection(s.timeRange);
  notice.textContent = c.dropped > 0 ? `Dropped the oldest ${c.dropped.toLocaleString()} messages (limit ${info?.maxMessages.toLocaleString() ?? '?'}).` : '';
  notice.hidden = c.dropped === 0 && !s.filterError;
  if (s.filterError) {
    notice.textContent = s.filterError;
  }
  empty.hidden = c.retained > 0;
  empty.textContent =
    info?.mode === 'pull'
      ? 'Pull mode: press "Fetch next" to fetch a page.'
      : info?.start === 'latest'
        ? 'Waiting for new messages… (only messages produced from now on are shown)'
        : 'Waiting for messages…';
  table.setTotal(c.matched);
}

function setState(next: TailState, why?: string): void {
  state = next;
  const labels: Record<TailState, string> = { connecting: why ? 'Reconnecting…' : 'Connecting…', running: 'Live', paused: 'Paused', stopped: 'Stopped', failed: 'Failed' };
  badge.textContent = labels[next];
  badge.className = `badge ${next}`;
  pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
  pauseButton.disabled = next !== 'running' && next !== 'paused';
  stateDetail.textContent = why ?? '';
  stateDetail.hidden = !why;
  if (status) {
    showStatus(status);
  }
}

function showDetails(d: TailDetails | undefined): void {
  detailsPane.replaceChildren();
  detailsPane.hidden = !d;
  if (!d) {
    layout.update();
    return;
  }
  const copy = (what: string) => void navigator.clipboard.writeText(what).catch(() => say('The clipboard refused the text.', 'missing'));
  const open = button('Open in editor', () => vscode.postMessage({ type: 'openInEditor', seq: d.seq }), 'Open the value in a new editor (pretty-printed JSON, else text)');
  // A missing key (null) is not an empty one: there is nothing to copy, and the panel says so.
  const copyKey = button('Copy key', () => (d.keyCopy === undefined ? say('This message has no key (null): nothing to copy.') : copy(d.keyCopy)));
  const copyValue = button('Copy value', () => (d.valueCopy === undefined ? say('This message has no value (null, a tombstone): nothing to copy.') : copy(d.valueCopy)));
  copyKey.title = d.keyCopy === undefined ? 'This message has no key (null)' : 'Copy the key (base64 when it is not text)';
  const copyEnvelope = button('Copy as envelope', () => copy(d.envelope));
  copyEnvelope.title = 'Copy {"key", "value", "headers"} as one JSONL line: paste it into a .jsonl file to produce it again (binary as base64, headers in order)';
  const close = button('Close', () => showDetails(undefined));
  const trace = button('Trace conversation', () => vscode.postMessage({ type: 'trace', seq: d.seq }));
  trace.title = 'Find every message with the same correlation id across topics, as a timeline';
  const actions = el('span', 'details-actions');
  actions.append(open, copyKey, copyValue, copyEnvelope, trace, close);
  const bar = el('div', 'details-bar');
  bar.append(text('span', d.title, 'details-title'), actions);
  detailsPane.append(bar, text('h4', 'Key'), text('pre', d.key, 'key-pretty'), text('h4', 'Value'), text('pre', d.value, 'value-pretty'), text('h4', 'Headers'), text('pre', d.headers));
  layout.update();
}

/** A sentence under the filter bar (jump results); empty hides it. */
function say(sentence: string, kind: 'found' | 'missing' = 'missing'): void {
  jumpNote.textContent = sentence;
  jumpNote.className = `jump-note ${kind}`;
  jumpNote.hidden = !sentence;
}
