/**
 * "Go to" partition + offset (and topic, when the panel tails several): the host finds the row in
 * the filtered view and answers with a sentence, and the row to scroll to when there is one.
 */
import type { WebviewToHost } from '../../src/webview/protocol';
import { button, el, input, text } from './dom';

export class JumpBox {
  readonly element = el('span', 'group jump');
  private readonly topic = el('select', 'jump-topic');
  private readonly partition = input('Partition', 'jump-partition', '48px');
  private readonly offset = input('Offset', 'jump-offset', '110px');

  constructor(
    private readonly send: (message: Extract<WebviewToHost, { type: 'jump' }>) => void,
    private readonly say: (text: string) => void,
  ) {
    this.partition.value = '0';
    this.partition.inputMode = 'numeric';
    this.offset.inputMode = 'numeric';
    this.topic.title = 'Topic';
    this.topic.hidden = true;
    const go = button('Go', () => this.jump(), 'Scroll to this partition and offset and select it');
    go.classList.add('jump-go');
    for (const field of [this.partition, this.offset]) {
      field.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          this.jump();
        }
      });
    }
    this.element.append(text('span', 'Go to', 'label'), this.topic, text('span', 'partition', 'label'), this.partition, text('span', 'offset', 'label'), this.offset, go);
  }

  /** The topic picker shows only when the panel tails more than one topic. */
  setTopics(topics: string[]): void {
    const current = this.topic.value;
    this.topic.replaceChildren(...topics.map((t) => text('option', t)));
    if (topics.includes(current)) {
      this.topic.value = current;
    }
    this.topic.hidden = topics.length < 2;
  }

  private jump(): void {
    const partition = this.partition.value.trim();
    const offset = this.offset.value.trim();
    if (!/^\d{1,9}$/.test(partition) || !/^\d{1,16}$/.test(offset) || !Number.isSafeInteger(Number(offset))) {
      this.say('Type a partition number and an offset (whole numbers) to go to.');
      return;
    }
    this.send({ type: 'jump', partition: Number(partition), offset, ...(this.topic.hidden ? {} : { topic: this.topic.value }) });
  }
}
