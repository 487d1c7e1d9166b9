/** One `zaznam` made ready for the register: its publisher (resolved by the writer) and the prepared contract. Pure. */
import { prepareItem, type PreparedItem } from '../../register/prepare.ts';
import { contractOf, publisherOf, type RegisterEntry, type RegisterPublisher } from './mapping.ts';
import type { VersionIndex } from './versions.ts';

export interface PreparedRegisterEntry {
  publisher: RegisterPublisher;
  item: PreparedItem;
}

/** `versions` remembers the dump's versions read so far, to resolve `navazanyZaznam` to a contract. */
export function prepareRegisterEntry(entry: RegisterEntry, versions: VersionIndex): PreparedRegisterEntry {
  versions.add(entry.idVerze, entry.idSmlouvy);
  const item = prepareItem({ line: entry.line, data: contractOf(entry, versions.contractOf(entry.smlouva.navazanyZaznam)) }, 'smlouva');
  // A rejected contract is still reported under the register's own id.
  if (item.rejected && item.id === null && entry.idSmlouvy) item.id = entry.idSmlouvy;
  return { publisher: publisherOf(entry), item };
}
