/**
 * `om import isdoc`: ISDOC invoices (.isdoc), ISDOCX packages and ZIPs of many become invoices of the standard
 * in one job. The publisher is the organisation given, or the known organisation that is the invoice's customer
 * or supplier. A contract or order reference links the invoice to the publisher's record with that number.
 */
import { AppError } from '../../errors.ts';
import { pluralCs } from '../../shared/format.ts';
import { openZip, looksLikeZip } from '../../shared/zip.ts';
import { parseOrganizationIco } from '../../organizations/rules.ts';
import type { Organization, OrganizationService } from '../../organizations/service.ts';
import type { PublishOutcome, RegisterService } from '../../register/service.ts';
import { prepareItem, type PreparedItem } from '../../register/prepare.ts';
import type { ImportJob, JobService } from '../../jobs/service.ts';
import { countsAfterResume, jobSource, type ImportCounts } from '../../jobs/rules.ts';
import { invoiceOfIsdoc } from './mapping.ts';
import { parseIsdoc, textAt, type IsdocElement } from './reader.ts';
import { validateIsdocStructure } from './structure.ts';

export interface IsdocFile {
  name: string;
  bytes: Uint8Array;
}

export interface IsdocIssueReport {
  severity: 'error' | 'warning';
  /** The ISDOC element (`Invoice/VATApplicable`) or the standard's field (`strany.1.ico`) at fault. */
  element: string;
  code: string;
  message: string;
}

export interface IsdocOutcome {
  file: string;
  invoice: string | null;
  status: PublishOutcome['status'];
  version: number | null;
  linkedContract: string | null;
  issues: IsdocIssueReport[];
}

export interface IsdocImportResult extends ImportCounts {
  job: ImportJob;
  outcomes: IsdocOutcome[];
}

/** A ZIP of invoices is unpacked in memory; one budget for all nesting levels keeps a hostile archive cheap. */
const UNPACK_BUDGET = { bytes: 100 * 1024 * 1024, entries: 5000 };
const MAX_INVOICE_BYTES = 20 * 1024 * 1024;

function isIsdocName(name: string): boolean {
  return /\.isdoc$/i.test(name);
}

/** An input file that is an invoice, or why it could not be unpacked. */
export type ExpandedFile = IsdocFile | { name: string; error: AppError };

/**
 * The invoices inside the given files: an ISDOCX holds one (its other entries are attachments and are not read),
 * a ZIP any number of .isdoc and .isdocx files. An archive that cannot be unpacked becomes an error for that file;
 * the other files go on.
 */
export function expandIsdocFiles(files: IsdocFile[]): ExpandedFile[] {
  const out: ExpandedFile[] = [];
  const budget = { ...UNPACK_BUDGET };
  const unpack = (file: IsdocFile, isdocx: boolean): IsdocFile[] => {
    const entries = openZip(file.bytes, { maxEntries: budget.entries, maxEntrySize: MAX_INVOICE_BYTES, maxTotalSize: budget.bytes }).filter((entry) => !entry.isDirectory);
    budget.entries -= entries.length;
    const wanted = entries.filter((entry) => isIsdocName(entry.name) || (!isdocx && /\.isdocx$/i.test(entry.name)));
    if (wanted.length === 0) throw new AppError('unreadable_input', `Archiv ${file.name} neobsahuje žádnou fakturu ISDOC.`, `no ISDOC in ${file.name}`);
    const inner: IsdocFile[] = [];
    for (const entry of wanted) {
      if (entry.size > budget.bytes) throw new AppError('unreadable_input', `Archiv ${file.name} je po rozbalení příliš velký.`, `archive ${file.name} exceeds the unpack budget`);
      const bytes = entry.read();
      budget.bytes -= bytes.length;
      const name = `${file.name}/${entry.name}`;
      if (/\.isdocx$/i.test(entry.name)) inner.push(...unpack({ name, bytes }, true));
      else inner.push({ name, bytes });
    }
    return inner;
  };
  for (const file of files) {
    if (!looksLikeZip(file.bytes)) {
      out.push(file);
      continue;
    }
    try {
      out.push(...unpack(file, /\.isdocx$/i.test(file.name)));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      out.push({ name: file.name, error });
    }
  }
  return out;
}

const PARTY_ICO = {
  customer: 'AccountingCustomerParty/Party/PartyIdentification/ID',
  supplier: 'AccountingSupplierParty/Party/PartyIdentification/ID',
};

export class IsdocImportService {
  constructor(
    private readonly organizations: OrganizationService,
    private readonly register: RegisterService,
    private readonly jobs: JobService,
  ) {}

  async importFiles(files: IsdocFile[], options: { actor: string; organization?: Organization; atomic?: boolean; sourceKey: string; onProgress?: (counts: ImportCounts) => void; onJobStarted?: (jobId: number) => void }): Promise<IsdocImportResult> {
    const others = files.length - 1;
    const sourceName = others === 0 ? files[0]!.name : `${files[0]?.name ?? ''} a ${others} ${pluralCs(others, 'další', 'další', 'dalších')}`;
    const totalBytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
    const result = await this.jobs.run(
      { kind: 'isdoc', organizationId: options.organization?.id ?? null, sourceName, sourceKey: options.sourceKey, actor: options.actor, totalBytes, onStarted: options.onJobStarted },
      async (tracker) => {
        // Every invoice is read, checked and mapped first; then all are stored in one call, so that --atomic can
        // refuse the whole set.
        const outcomes: IsdocOutcome[] = [];
        const toPublish: Array<{ organization: Organization; item: PreparedItem; index: number; warnings: IsdocIssueReport[] }> = [];
        for (const [index, file] of expandIsdocFiles(files).entries()) {
          const read =
            'error' in file
              ? { outcome: { file: file.name, invoice: null, status: 'rejected' as const, version: null, linkedContract: null, issues: [{ severity: 'error' as const, element: '', code: file.error.code, message: file.error.userMessage }] } }
              : await this.readOne(file, options.organization);
          outcomes.push(read.outcome);
          if (read.record && read.organization) {
            toPublish.push({ organization: read.organization, item: prepareItem({ line: index + 1, data: read.record }, 'faktura'), index, warnings: read.outcome.issues });
          }
        }
        const structurallyRejected = outcomes.filter((o) => o.status === 'rejected').length;
        if (options.atomic && structurallyRejected > 0) {
          throw new AppError('atomic_rejected', `${pluralCs(structurallyRejected, `Odmítnuta ${structurallyRejected} faktura`, `Odmítnuty ${structurallyRejected} faktury`, `Odmítnuto ${structurallyRejected} faktur`)}; v režimu „vše, nebo nic“ se proto neuložilo nic.`, `atomic ISDOC import: ${structurallyRejected} invoices rejected`, { outcomes });
        }
        const published = await this.register.publishPreparedGroups(
          (async function* () {
            yield toPublish.map(({ organization, item }) => ({ organization, item }));
          })(),
          { source: jobSource('isdoc', tracker.id), atomic: options.atomic, keepOutcomes: 'all' },
        );
        const byLine = new Map(published.outcomes.map((o) => [o.line, o]));
        for (const { index, warnings } of toPublish) {
          const stored = byLine.get(index + 1)!;
          const outcome = outcomes[index]!;
          outcome.status = stored.status;
          outcome.version = stored.version;
          outcome.issues = [...stored.issues.map((i) => ({ severity: i.severity, element: i.path, code: i.code, message: i.message })), ...warnings];
        }
        const last: ImportCounts = { read: outcomes.length, created: published.created, newVersions: published.newVersions, unchanged: published.unchanged, rejected: structurallyRejected + published.rejected };
        const counts = tracker.resumed ? countsAfterResume(last, await this.register.versionsWithSource(jobSource('isdoc', tracker.id))) : last;
        options.onProgress?.(counts);
        return { counts, report: { outcomes } };
      },
    );
    return { ...result.counts, job: result.job, outcomes: result.report.outcomes };
  }

  private async publisherOf(root: IsdocElement, given: Organization | undefined): Promise<Organization | null> {
    if (given) return given;
    for (const path of [PARTY_ICO.customer, PARTY_ICO.supplier]) {
      const ico = parseOrganizationIco(textAt(root, path) ?? '');
      const organization = ico ? await this.organizations.findByIco(ico) : undefined;
      if (organization) return organization;
    }
    return null;
  }

  private async readOne(file: IsdocFile, given: Organization | undefined): Promise<{ outcome: IsdocOutcome; record?: Record<string, unknown>; organization?: Organization }> {
    const rejected = (issues: IsdocIssueReport[], invoice: string | null = null) => ({ outcome: { file: file.name, invoice, status: 'rejected' as const, version: null, linkedContract: null, issues } });
    let root: IsdocElement;
    try {
      root = parseIsdoc(file.bytes).root;
    } catch (error) {
      // One unreadable invoice in a batch is that invoice's problem, not the batch's.
      if (!(error instanceof AppError)) throw error;
      return rejected([{ severity: 'error', element: '', code: error.code, message: error.userMessage }]);
    }
    const invoiceId = textAt(root, 'ID') ?? null;
    const structural = validateIsdocStructure(root);
    if (structural.length > 0) return rejected(structural.map((i) => ({ severity: 'error', element: i.element, code: i.code, message: i.message })), invoiceId);
    const organization = await this.publisherOf(root, given);
    if (!organization) {
      return rejected([{ severity: 'error', element: PARTY_ICO.customer, code: 'publisher_unknown', message: 'Odběratel ani dodavatel faktury není mezi známými organizacemi; zadejte organizaci (--org IČO).' }], invoiceId);
    }
    let mapping: ReturnType<typeof invoiceOfIsdoc>;
    try {
      mapping = invoiceOfIsdoc(root, { ico: organization.ico });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return rejected([{ severity: 'error', element: '', code: error.code, message: error.userMessage }], invoiceId);
    }
    const record: Record<string, unknown> = { ...mapping.record };
    const linkedContract = mapping.contractNumber ? ((await this.register.findKeyByOwnNumber(organization, 'smlouva', mapping.contractNumber)) ?? null) : null;
    if (linkedContract) record.smlouva = linkedContract;
    if (mapping.orderNumber) {
      const order = await this.register.findKeyByOwnNumber(organization, 'objednavka', mapping.orderNumber);
      if (order) record.objednavka = order;
    }
    const warnings: IsdocIssueReport[] = mapping.warnings.map((w) => ({ severity: 'warning', element: w.element, code: w.code, message: w.message }));
    if (mapping.contractNumber && !linkedContract) {
      warnings.push({ severity: 'warning', element: 'ContractReferences/ContractReference/ID', code: 'contract_not_found', message: `Smlouva číslo „${mapping.contractNumber}“ u organizace není, faktura se s ní nepropojila.` });
    }
    return { outcome: { file: file.name, invoice: invoiceId, status: 'unchanged', version: null, linkedContract, issues: warnings }, record, organization };
  }
}
