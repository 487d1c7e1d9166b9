/**
 * Answers that change only when their source does: each entry remembers the source's generation (any value that
 * changes with every write, e.g. the newest version id), and is used only while the generation is the same.
 * Least recently used entries go first once the cache is full. Pure (the generation comes in).
 */
export class GenerationCache<T> {
  private readonly entries = new Map<string, { generation: string; value: T }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, generation: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.generation !== generation) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, generation: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { generation, value });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
