/** FIFO of serialised lines that hands out batches bounded by line count and by bytes. */
export class LineBuffer {
  private lines: string[] = [];
  private head = 0;

  /** Number of buffered lines. */
  get length(): number {
    return this.lines.length - this.head;
  }

  push(line: string): void {
    this.lines.push(line);
  }

  /**
   * Removes and returns the oldest lines, at most `max_lines` of them and at most `max_bytes` bytes
   * joined by newlines. The first line is always taken, even when it alone exceeds `max_bytes`, so that
   * the server can reject it rather than the buffer stalling.
   */
  take(max_lines: number, max_bytes: number): string[] {
    const batch: string[] = [];
    let bytes = 0;
    while (this.head < this.lines.length && batch.length < max_lines) {
      const line = this.lines[this.head] as string;
      const lineBytes = Buffer.byteLength(line, 'utf8') + (batch.length === 0 ? 0 : 1);
      if (batch.length > 0 && bytes + lineBytes > max_bytes) break;
      batch.push(line);
      bytes += lineBytes;
      this.head += 1;
    }
    this.compact();
    return batch;
  }

  /** Removes every buffered line and returns how many there were. */
  clear(): number {
    const count = this.length;
    this.lines = [];
    this.head = 0;
    return count;
  }

  /** Drops consumed slots once they make up half the array, keeping `take` amortised O(batch). */
  private compact(): void {
    if (this.head === this.lines.length) {
      this.lines = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}
