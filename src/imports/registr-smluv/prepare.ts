/** One `zaznam` made ready for the register: its publisher (resolved by the writer) and the prepared contract. Pure. */
import { packPreparedItem, prepareItem, unpackPreparedItem, type InputItem, type PackedItem, type PreparedItem } from '../../register/prepare.ts';
import { contractOf, publisherOf, type RegisterEntry, type RegisterPublisher } from './mapping.ts';
import type { VersionIndex } from './versions.ts';

export interface PreparedRegisterEntry {
  publisher: RegisterPublisher;
  item: PreparedItem;
}

/**
 * A `zaznam` mapped to a contract of the standard but not yet validated. Mapping needs the dump's versions read so
 * far, so it follows the file's order; preparing does not, and can run in whichever thread has time for it.
 */
export interface MappedRegisterEntry {
  publisher: RegisterPublisher;
  input: InputItem;
  idSmlouvy?: string;
}

/** `versions` remembers the dump's versions read so far, to resolve `navazanyZaznam` to a contract. */
export function mapRegisterEntry(entry: RegisterEntry, versions: VersionIndex): MappedRegisterEntry {
  versions.add(entry.idVerze, entry.idSmlouvy);
  return {
    publisher: publisherOf(entry),
    input: { line: entry.line, data: contractOf(entry, versions.contractOf(entry.smlouva.navazanyZaznam)) },
    idSmlouvy: entry.idSmlouvy,
  };
}

export function prepareMappedEntry(mapped: MappedRegisterEntry): PreparedRegisterEntry {
  const item = prepareItem(mapped.input, 'smlouva');
  // A rejected contract is still reported under the register's own id.
  if (item.rejected && item.id === null && mapped.idSmlouvy) item.id = mapped.idSmlouvy;
  return { publisher: mapped.publisher, item };
}

export function prepareRegisterEntry(entry: RegisterEntry, versions: VersionIndex): PreparedRegisterEntry {
  return prepareMappedEntry(mapRegisterEntry(entry, versions));
}

/** A prepared entry as values only, for passing to another thread (see packPreparedItem). */
export type PackedRegisterEntry = [string | undefined, string | undefined, string, string | undefined, PackedItem];

export function packRegisterEntry(entry: PreparedRegisterEntry): PackedRegisterEntry {
  const p = entry.publisher;
  return [p.ico, p.dataBox, p.name, p.address, packPreparedItem(entry.item)];
}

export function unpackRegisterEntry(packed: PackedRegisterEntry): PreparedRegisterEntry {
  return { publisher: { ico: packed[0], dataBox: packed[1], name: packed[2], address: packed[3] }, item: unpackPreparedItem(packed[4]) };
}
