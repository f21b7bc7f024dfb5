/** A binary min-heap over a comparator: push and pop in O(log n). */
export class MinHeap<T> {
  private readonly items: T[];

  /** A heap of `items` (taken over, ordered bottom-up in O(n)). */
  constructor(
    private readonly less: (a: T, b: T) => boolean,
    items: T[] = [],
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  /** The smallest item, not taken out. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Put `item` in the place of the smallest one (a pop and a push in one sift). */
  replaceTop(item: T): void {
    if (this.items.length === 0) this.items.push(item);
    else {
      this.items[0] = item;
      this.down(0);
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    this.down(0);
    return top;
  }

  private down(from: number): void {
    const a = this.items;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
