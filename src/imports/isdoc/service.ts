/**
 * `om import isdoc`: ISDOC invoices (.isdoc), ISDOCX packages and ZIPs of many become invoices of the standard
 * in one job. The publisher is the organisation given, or the known organisation that is the invoice's customer
 * or supplier. A contract or order reference links the invoice to the publisher's record with that number.
 */
import { AppError } from '../../errors.ts';
import { openZip, looksLikeZip } from '../../shared/zip.ts';
import { parseOrganizationIco } from '../../organizations/rules.ts';
import type { Organization, OrganizationService } from '../../organizations/service.ts';
import type { PublishOutcome, RegisterService } from '../../register/service.ts';
import { prepareItem, type PreparedItem } from '../../register/prepare.ts';
import type { ImportJob, JobService } from '../../jobs/service.ts';
import type { ImportCounts } from '../../jobs/rules.ts';
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

/** A ZIP of invoices is unpacked in memory; these limits keep a hostile archive cheap to refuse. */
const ZIP_LIMITS = { maxEntries: 5000, maxEntrySize: 20 * 1024 * 1024, maxTotalSize: 500 * 1024 * 1024 };

function isIsdocName(name: string): boolean {
  return /\.isdoc$/i.test(name);
}

/** The invoices inside the given files: an ISDOCX holds one (plus attachments), a ZIP any number, nested once. */
export function expandIsdocFiles(files: IsdocFile[]): IsdocFile[] {
  const out: IsdocFile[] = [];
  const visit = (file: IsdocFile, depth: number) => {
    if (!looksLikeZip(file.bytes)) {
      out.push(file);
      return;
    }
    if (depth > 1) throw new AppError('unreadable_input', `Archiv ${file.name} je vnořený příliš hluboko.`, `nested archive ${file.name}`);
    const entries = openZip(file.bytes, ZIP_LIMITS).filter((entry) => !entry.isDirectory);
    const inner = entries.filter((entry) => isIsdocName(entry.name) || /\.(isdocx|zip)$/i.test(entry.name));
    if (inner.length === 0) throw new AppError('unreadable_input', `Archiv ${file.name} neobsahuje žádnou fakturu ISDOC.`, `no ISDOC in ${file.name}`);
    for (const entry of inner) visit({ name: `${file.name}/${entry.name}`, bytes: entry.read() }, depth + 1);
  };
  for (const file of files) visit(file, 0);
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

  async importFiles(files: IsdocFile[], options: { actor: string; organization?: Organization; atomic?: boolean; sourceKey: string; onProgress?: (counts: ImportCounts) => void }): Promise<IsdocImportResult> {
    const sourceName = files.length === 1 ? files[0]!.name : `${files[0]?.name ?? ''} a ${files.length - 1} dalších`;
    const totalBytes = files.reduce((sum, file) => sum + file.bytes.length, 0);
    const result = await this.jobs.run(
      { kind: 'isdoc', organizationId: options.organization?.id ?? null, sourceName, sourceKey: options.sourceKey, actor: options.actor, totalBytes },
      async () => {
        // Every invoice is read, checked and mapped first; then all are stored in one call, so that --atomic can
        // refuse the whole set.
        const outcomes: IsdocOutcome[] = [];
        const toPublish: Array<{ organization: Organization; item: PreparedItem; index: number; warnings: IsdocIssueReport[] }> = [];
        for (const [index, file] of expandIsdocFiles(files).entries()) {
          const read = await this.readOne(file, options.organization);
          outcomes.push(read.outcome);
          if (read.record && read.organization) {
            toPublish.push({ organization: read.organization, item: prepareItem({ line: index + 1, data: read.record }, 'faktura'), index, warnings: read.outcome.issues });
          }
        }
        const structurallyRejected = outcomes.filter((o) => o.status === 'rejected').length;
        if (options.atomic && structurallyRejected > 0) {
          throw new AppError('atomic_rejected', `Odmítnuto ${structurallyRejected} faktur; v režimu „vše, nebo nic“ se proto neuložilo nic.`, `atomic ISDOC import: ${structurallyRejected} invoices rejected`, { outcomes });
        }
        const published = await this.register.publishPreparedGroups(
          (async function* () {
            yield toPublish.map(({ organization, item }) => ({ organization, item }));
          })(),
          { source: 'isdoc', atomic: options.atomic, keepOutcomes: 'all' },
        );
        const byLine = new Map(published.outcomes.map((o) => [o.line, o]));
        for (const { index, warnings } of toPublish) {
          const stored = byLine.get(index + 1)!;
          const outcome = outcomes[index]!;
          outcome.status = stored.status;
          outcome.version = stored.version;
          outcome.issues = [...stored.issues.map((i) => ({ severity: i.severity, element: i.path, code: i.code, message: i.message })), ...warnings];
        }
        const counts: ImportCounts = { read: outcomes.length, created: published.created, newVersions: published.newVersions, unchanged: published.unchanged, rejected: structurallyRejected + published.rejected };
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
