/**
 * Which contract (idSmlouvy) each version (idVerze) of a dump belongs to, so that `navazanyZaznam`, which names a
 * version, can become the amendment link to a contract. Two growing Uint32Arrays: 8 bytes a version, where a Map
 * of a million entries cost ~40 MB of the 300 MB the import may use. Pure.
 */
export class VersionIndex {
  private versions = new Uint32Array(1024);
  private contracts = new Uint32Array(1024);
  private size = 0;
  /** Dumps list versions in ascending idVerze, so lookups are binary searches; anything else falls back to a scan. */
  private ascending = true;

  add(idVerze: string | undefined, idSmlouvy: string | undefined): void {
    const version = toId(idVerze);
    const contract = toId(idSmlouvy);
    if (version === null || contract === null) return;
    if (this.size === this.versions.length) {
      const grow = (array: Uint32Array) => {
        const bigger = new Uint32Array(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      this.versions = grow(this.versions);
      this.contracts = grow(this.contracts);
    }
    if (this.size > 0 && version <= this.versions[this.size - 1]!) this.ascending = false;
    this.versions[this.size] = version;
    this.contracts[this.size] = contract;
    this.size++;
  }

  contractOf(idVerze: string | undefined): string | undefined {
    const version = toId(idVerze);
    if (version === null) return undefined;
    if (this.ascending) {
      let low = 0;
      let high = this.size - 1;
      while (low <= high) {
        const middle = (low + high) >>> 1;
        const value = this.versions[middle]!;
        if (value === version) return String(this.contracts[middle]);
        if (value < version) low = middle + 1;
        else high = middle - 1;
      }
      return undefined;
    }
    for (let i = this.size - 1; i >= 0; i--) if (this.versions[i] === version) return String(this.contracts[i]);
    return undefined;
  }
}

function toId(value: string | undefined): number | null {
  const trimmed = value?.trim();
  if (!trimmed || !/^\d{1,9}$/.test(trimmed)) return null;
  return Number(trimmed);
}
