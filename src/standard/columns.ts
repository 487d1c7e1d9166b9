/**
 * The CSV columns of a record type from its field keys (`predmet`, `strany.*.ico`): plain fields as they are, list
 * members numbered for each slot (`strany.1.ico`, `strany.2.ico`). Pure and free of the schemas, so that the export
 * worker computes columns without loading zod (~10 MB of its heap); flat.ts gets the keys from the field catalogue.
 */
export function columnsOf(fieldKeys: readonly string[], slots: { strany?: number; prilohy?: number } = {}): string[] {
  const columns: string[] = [];
  let lastList = '';
  let listMembers: string[] = [];
  const flushList = () => {
    if (!lastList) return;
    const count = slots[lastList as 'strany' | 'prilohy'] ?? 1;
    for (let n = 1; n <= count; n++) for (const member of listMembers) columns.push(`${lastList}.${n}.${member}`);
    lastList = '';
    listMembers = [];
  };
  for (const key of fieldKeys) {
    const listMatch = /^(\w+)\.\*\.(\w+)$/.exec(key);
    if (listMatch) {
      if (lastList !== listMatch[1]) flushList();
      lastList = listMatch[1]!;
      listMembers.push(listMatch[2]!);
    } else {
      flushList();
      columns.push(key);
    }
  }
  flushList();
  return columns;
}
