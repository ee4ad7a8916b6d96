/**
 * A map that forgets its least recently used entries once it holds more than `maxEntries` entries
 * or more than `maxBytes` of their stated cost, so input that keeps producing new keys (a batch of
 * hostile packages, each with fresh certificates) cannot grow it without limit. Values are shared
 * by every caller that asks for the same key: store only what depends on the key alone.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly bytes: number }>();
  private heldBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` at a cost of `bytes`; a value costing more than the whole budget is not kept. */
  set(key: K, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.maxBytes || this.maxEntries <= 0) return;
    this.entries.set(key, { value, bytes });
    this.heldBytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.heldBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.heldBytes -= entry.bytes;
    }
  }

  /** The cached value for `key`, computed by `make` (and stored at `bytesOf` its cost) on a miss. */
  getOrAdd(key: K, make: () => V, bytesOf: (value: V) => number): V {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = make();
    this.set(key, value, bytesOf(value));
    return value;
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The summed cost of the entries held. */
  get bytes(): number {
    return this.heldBytes;
  }
}
