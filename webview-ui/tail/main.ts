/**
 * Browser side of the tail panel. Renders what the host sends, always as text (textContent),
 * never as HTML: message content is untrusted.
 */
import type { TailMessage, TailState } from '../../src/core/brokerClient';
import type { HostToWebview, TailPanelInfo, WebviewToHost } from '../../src/webview/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

let info: TailPanelInfo | undefined;
let state: TailState = 'connecting';
let shown = 0;
let dropped = 0;

const toolbar = el('div', 'toolbar');
const heading = el('span', 'heading');
const badge = el('span', 'badge');
const counter = el('span', 'counter');
const pauseButton = button('Pause', () => vscode.postMessage({ type: state === 'paused' ? 'resume' : 'pause' }));
const clearButton = button('Clear', () => vscode.postMessage({ type: 'clear' }));
toolbar.append(heading, badge, counter, spacer(), pauseButton, clearButton);

const detail = el('div', 'detail');
const scroller = el('div', 'scroller');
const table = el('table', 'messages');
const head = el('thead');
const headRow = el('tr');
for (const title of ['Time (UTC)', 'Partition', 'Offset', 'Key', 'Value']) {
  headRow.append(text('th', title));
}
head.append(headRow);
const body = el('tbody');
table.append(head, body);
const empty = el('div', 'empty');
scroller.append(table, empty);
app.append(toolbar, detail, scroller);

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      info = message.info;
      heading.textContent = `${info.topics.join(', ')} on ${info.clusterName}`;
      resetRows();
      setState(message.state, message.detail);
      break;
    case 'messages':
      appendRows(message.messages);
      break;
    case 'state':
      setState(message.state, message.detail);
      break;
    case 'cleared':
      resetRows();
      break;
    default:
      assertNever(message);
  }
});

vscode.postMessage({ type: 'ready' });

function appendRows(messages: TailMessage[]): void {
  const stick = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 4;
  const fragment = document.createDocumentFragment();
  for (const m of messages) {
    const row = el('tr');
    row.dataset.offset = m.offset;
    row.dataset.partition = String(m.partition);
    row.append(
      text('td', new Date(m.timestamp).toISOString().replace('T', ' ').replace('Z', ''), 'time'),
      text('td', String(m.partition), 'num'),
      text('td', m.offset, 'num'),
      text('td', m.key ?? '', m.key === null ? 'null key' : 'key'),
      text('td', preview(m.value), 'value', m.value ?? ''),
    );
    fragment.append(row);
  }
  body.append(fragment);
  shown += messages.length;
  const limit = info?.maxMessages ?? Number.POSITIVE_INFINITY;
  while (body.rows.length > limit) {
    body.deleteRow(0);
    dropped++;
  }
  updateCounter();
  if (stick) {
    scroller.scrollTop = scroller.scrollHeight;
  }
}

function resetRows(): void {
  body.replaceChildren();
  shown = 0;
  dropped = 0;
  updateCounter();
}

function setState(next: TailState, why?: string): void {
  state = next;
  const labels: Record<TailState, string> = {
    connecting: 'Connecting…',
    running: 'Live',
    paused: 'Paused',
    stopped: 'Stopped',
    failed: 'Failed',
  };
  badge.textContent = labels[next];
  badge.className = `badge ${next}`;
  pauseButton.textContent = next === 'paused' ? 'Resume' : 'Pause';
  pauseButton.disabled = next !== 'running' && next !== 'paused';
  detail.textContent = why ?? '';
  detail.hidden = !why;
  updateCounter();
}

function updateCounter(): void {
  const kept = body.rows.length;
  counter.textContent = `${kept} message${kept === 1 ? '' : 's'}${dropped > 0 ? ` (oldest ${dropped} dropped: limit ${info?.maxMessages ?? '?'})` : ''}`;
  empty.hidden = shown > 0;
  empty.textContent = info?.fromBeginning
    ? 'Waiting for messages from the beginning of the topic…'
    : 'Waiting for new messages… (only messages produced from now on are shown)';
}

function preview(value: string | null): string {
  if (value === null) {
    return '(null)';
  }
  const oneLine = value.replace(/\s+/g, ' ');
  return oneLine.length > 500 ? `${oneLine.slice(0, 500)}…` : oneLine;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  return node;
}

function text<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  content: string,
  className?: string,
  title?: string,
): HTMLElementTagNameMap[K] {
  const node = el(tag, className);
  node.textContent = content;
  if (title) {
    node.title = title;
  }
  return node;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const node = text('button', label);
  node.addEventListener('click', onClick);
  return node;
}

function spacer(): HTMLElement {
  return el('span', 'spacer');
}

function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}
