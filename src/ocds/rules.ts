/**
 * The register's contracts as OCDS 1.1 (Open Contracting Data Standard). Pure mapping:
 *  - each contract that is not itself an amendment is one contracting process, ocid `{prefix}-{IČO}-{id}`;
 *  - each version of the contract is a release (`contract`, then `contractUpdate`);
 *  - each version of an amendment (a contract whose dodatekKSmlouve names it) is a `contractAmendment` release
 *    with `contracts[0].amendments[]`;
 *  - invoices that name the contract and state a payment date are `implementation.transactions`.
 * Organisations carry `CZ-ICO` identifiers; the publishing organisation is buyer and payer, counterparties that
 * receive money are supplier and payee.
 */
import type { Contract, Invoice, Party, StandardRecord } from '../standard/schema.ts';

export interface OcdsVersion {
  versionNo: number;
  change: string;
  publishedAt: string;
  record: StandardRecord;
}

export interface OcdsProcessInput {
  prefix: string;
  baseUrl: string;
  buyer: { ico: string; name: string };
  contractKey: string;
  contractVersions: OcdsVersion[];
  /** Amendments by their own key, each with its versions. */
  amendments: Array<{ key: string; versions: OcdsVersion[] }>;
  /** Current versions of invoices that name the contract. */
  invoices: Array<{ key: string; record: Invoice; publishedAt: string }>;
  /** Where the release package lives, for the record package's linked releases. */
  releasesUrl: string;
}

type Json = Record<string, unknown>;

export function ocidOf(prefix: string, ico: string, key: string): string {
  return `${prefix}-${ico}-${key}`;
}

/** OCDS wants date-times with a zone; the standard's dates are days. */
function dateTime(day: string | undefined): string | null {
  return day ? `${day}T00:00:00Z` : null;
}

function value(record: { hodnotaBezDph?: string; hodnotaVcetneDph?: string; mena?: string }): Json | undefined {
  const amount = record.hodnotaBezDph ?? record.hodnotaVcetneDph;
  if (amount === undefined) return undefined;
  return { amount: Number(amount), currency: record.mena ?? 'CZK' };
}

function partyId(ocid: string, party: Party, index: number): string {
  if (party.ico) return `CZ-ICO-${party.ico}`;
  if (party.zahranicniId) return `XX-${party.zahranicniId}`;
  return `${ocid}-strana-${index + 1}`;
}

function parties(ocid: string, buyer: { ico: string; name: string }, record: StandardRecord): { list: Json[]; suppliers: Json[]; payee: Json | null } {
  const buyerParty: Json = { id: `CZ-ICO-${buyer.ico}`, name: buyer.name, identifier: { scheme: 'CZ-ICO', id: buyer.ico, legalName: buyer.name }, roles: ['buyer', 'payer'] };
  const list: Json[] = [buyerParty];
  const suppliers: Json[] = [];
  let payee: Json | null = null;
  record.strany.forEach((party, index) => {
    const id = partyId(ocid, party, index);
    if (list.some((p) => p.id === id)) return;
    const receives = (party.role ?? 'prijemce') === 'prijemce';
    const roles = receives ? ['supplier', 'payee'] : ['payer'];
    const entry: Json = { id, name: party.nazev, roles };
    if (party.ico) entry.identifier = { scheme: 'CZ-ICO', id: party.ico, legalName: party.nazev };
    if (party.adresa) entry.address = { streetAddress: party.adresa, countryName: party.ico ? 'Česká republika' : null };
    list.push(entry);
    if (receives) {
      suppliers.push({ id, name: party.nazev });
      payee ??= { id, name: party.nazev };
    }
  });
  if (!suppliers.length && !record.strany.some((p) => p.role === 'platce')) payee = null;
  return { list, suppliers, payee };
}

function documents(record: StandardRecord): Json[] | undefined {
  const list = (record.prilohy ?? []).map((attachment, index) => {
    const document: Json = { id: `${index + 1}`, documentType: 'contractSigned', title: attachment.nazev };
    if (attachment.url) document.url = attachment.url;
    if (attachment.typMedia) document.format = attachment.typMedia;
    return document;
  });
  return list.length ? list : undefined;
}

function contractObject(key: string, contract: Contract, status: string, awardId: string, recordUrl: string): Json {
  const object: Json = { id: key, awardID: awardId, title: contract.predmet, status, description: contract.poznamka ?? null };
  const amount = value(contract);
  if (amount) object.value = amount;
  if (contract.datumUzavreni) object.dateSigned = dateTime(contract.datumUzavreni);
  if (contract.platnostOd || contract.platnostDo) object.period = { startDate: dateTime(contract.platnostOd), endDate: dateTime(contract.platnostDo) };
  const docs = documents(contract);
  object.documents = [...(docs ?? []), { id: 'zaznam', documentType: 'contractNotice', title: 'Záznam v registru Otevřená města', url: recordUrl }];
  return object;
}

function recordUrl(baseUrl: string, ico: string, key: string): string {
  return `${baseUrl}/organizace/${ico}/zaznam/${encodeURIComponent(key)}`;
}

/** All releases of one contracting process, oldest first. */
export function processReleases(input: OcdsProcessInput): Json[] {
  const ocid = ocidOf(input.prefix, input.buyer.ico, input.contractKey);
  const awardId = `${input.contractKey}-zadani`;
  const url = recordUrl(input.baseUrl, input.buyer.ico, input.contractKey);
  const releases: Json[] = [];
  const base = (id: string, date: string, tag: string[], record: StandardRecord): Json => {
    return { ocid, id, date, tag, initiationType: 'tender', language: 'cs', parties: parties(ocid, input.buyer, record).list, buyer: { id: `CZ-ICO-${input.buyer.ico}`, name: input.buyer.name } };
  };
  /** Every contract needs the award it came from: one per process, to the contract's suppliers. */
  const finish = (release: Json, contract: Contract, status: string): Json => {
    const { suppliers } = parties(ocid, input.buyer, contract);
    const award: Json = { id: awardId, status: status === 'cancelled' ? 'cancelled' : 'active', suppliers, date: dateTime(contract.datumUzavreni) };
    const amount = value(contract);
    if (amount) award.value = amount;
    release.awards = [award];
    return release;
  };

  let latest: Contract | null = null;
  for (const version of input.contractVersions) {
    const contract = version.record as Contract;
    latest = contract;
    const status = version.change === 'withdrawn' ? 'cancelled' : 'active';
    const release = base(`${input.contractKey}-v${version.versionNo}`, version.publishedAt, [version.versionNo === 1 ? 'contract' : 'contractUpdate'], contract);
    release.contracts = [contractObject(input.contractKey, contract, status, awardId, url)];
    releases.push(finish(release, contract, status));
  }
  if (!latest) return releases;

  for (const amendment of input.amendments) {
    for (const version of amendment.versions) {
      const record = version.record as Contract;
      const releaseId = `${input.contractKey}-dodatek-${amendment.key}-v${version.versionNo}`;
      const release = base(releaseId, version.publishedAt, ['contractAmendment'], latest);
      const contract = contractObject(input.contractKey, latest, 'active', awardId, url);
      contract.amendments = [
        {
          id: amendment.key,
          date: dateTime(record.datumUzavreni),
          description: record.predmet,
          rationale: record.poznamka ?? null,
          releaseID: releaseId,
        },
      ];
      release.contracts = [contract];
      releases.push(finish(release, latest, 'active'));
    }
  }

  const paid = input.invoices.filter((invoice) => invoice.record.datumUhrady);
  if (paid.length > 0) {
    const lastPublished = paid.map((i) => i.publishedAt).sort().at(-1)!;
    const release = base(`${input.contractKey}-plneni-${lastPublished.slice(0, 10)}`, lastPublished, ['implementation'], latest);
    const contract = contractObject(input.contractKey, latest, 'active', awardId, url);
    contract.implementation = {
      transactions: paid.map((invoice) => {
        const { payee } = parties(ocid, input.buyer, invoice.record);
        const transaction: Json = {
          id: invoice.key,
          date: dateTime(invoice.record.datumUhrady),
          payer: { id: `CZ-ICO-${input.buyer.ico}`, name: input.buyer.name },
          uri: recordUrl(input.baseUrl, input.buyer.ico, invoice.key),
        };
        const amount = invoice.record.hodnotaVcetneDph ?? invoice.record.hodnotaBezDph;
        if (amount !== undefined) transaction.value = { amount: Number(amount), currency: invoice.record.mena ?? 'CZK' };
        if (payee) transaction.payee = payee;
        return transaction;
      }),
    };
    release.contracts = [contract];
    releases.push(finish(release, latest, 'active'));
  }
  return releases;
}

/**
 * The compiled release of a process: the latest state, all amendments, all transactions. Built directly from the
 * releases above (each carries the full state of its stage), not by the generic merge of OCDS tooling.
 */
export function compiledRelease(releases: Json[]): Json {
  const last = releases.filter((r) => (r.tag as string[])[0] !== 'contractAmendment' && (r.tag as string[])[0] !== 'implementation').at(-1) ?? releases[0]!;
  const contract = { ...((last.contracts as Json[])[0] as Json) };
  const amendments = releases.flatMap((r) => ((r.tag as string[])[0] === 'contractAmendment' ? (((r.contracts as Json[])[0] as Json).amendments as Json[]) : []));
  const implementation = releases.filter((r) => (r.tag as string[])[0] === 'implementation').at(-1);
  if (amendments.length) contract.amendments = amendments;
  if (implementation) contract.implementation = ((implementation.contracts as Json[])[0] as Json).implementation;
  const date = releases.map((r) => r.date as string).sort().at(-1)!;
  return { ...last, id: `${last.ocid as string}-compiled`, date, tag: ['compiled'], contracts: [contract] };
}

export function packageMeta(input: { uri: string; publishedDate: string; publisherName: string; publisherIco: string | null }): Json {
  return {
    uri: input.uri,
    version: '1.1',
    publishedDate: input.publishedDate,
    publisher: { name: input.publisherName, scheme: input.publisherIco ? 'CZ-ICO' : null, uid: input.publisherIco },
    license: null,
    publicationPolicy: null,
  };
}

export function isAmendment(record: StandardRecord): boolean {
  return record.typ === 'smlouva' && !!record.dodatekKSmlouve;
}
