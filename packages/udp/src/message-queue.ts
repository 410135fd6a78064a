/**
 * A bounded FIFO of items for async iteration: `push` drops (returning false) when full; `next`
 * resolves at once or when an item arrives; `end` finishes every waiting reader.
 */
export class MessageQueue<T> {
  private readonly items: T[] = [];
  private waiting: Array<(r: IteratorResult<T>) => void> = [];
  private ended = false;

  constructor(private readonly limit: number) {}

  push(item: T): boolean {
    if (this.ended) return false;
    const reader = this.waiting.shift();
    if (reader !== undefined) {
      reader({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.limit) return false;
    this.items.push(item);
    return true;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  end(): void {
    this.ended = true;
    this.items.length = 0;
    const readers = this.waiting;
    this.waiting = [];
    for (const r of readers) r({ value: undefined, done: true });
  }
}
