import { AppError } from '../errors.ts';
import type { OrganizationRow } from '../db/schema.ts';
import { foldText } from '../shared/text.ts';
import { isValidDataBox, normalizeDataBox } from '../shared/identifiers.ts';
import { nowUtc } from '../shared/dates.ts';
import { isOrganizationKind, parseOrganizationIco, type OrganizationKind } from './rules.ts';
import type { OrganizationRepository, OrganizationStats, OrganizationWrite } from './repository.ts';

export interface OrganizationInput {
  ico: string;
  name: string;
  kind: string;
  ruianCode?: string | null;
  dataBox?: string | null;
  parentIco?: string | null;
  population?: number | null;
  isDemo?: boolean;
}

export interface Organization {
  id: number;
  ico: string;
  name: string;
  kind: OrganizationKind;
  ruianCode: string | null;
  dataBox: string | null;
  parentId: number | null;
  population: number | null;
  isDemo: boolean;
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    ico: row.ico,
    name: row.name,
    kind: isOrganizationKind(row.kind) ? row.kind : 'jine',
    ruianCode: row.ruian_code,
    dataBox: row.data_box,
    parentId: row.parent_id,
    population: row.population,
    isDemo: row.is_demo === 1,
  };
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export class OrganizationService {
  constructor(private readonly repository: OrganizationRepository) {}

  async getByIco(rawIco: string): Promise<Organization> {
    const ico = parseOrganizationIco(rawIco);
    const row = ico ? await this.repository.findByIco(ico) : undefined;
    if (!row) throw new AppError('not_found', `Organizace s IČO ${rawIco} není v registru.`, `organization ${rawIco} not found`);
    return toOrganization(row);
  }

  async findByIco(rawIco: string): Promise<Organization | undefined> {
    const ico = parseOrganizationIco(rawIco);
    const row = ico ? await this.repository.findByIco(ico) : undefined;
    return row ? toOrganization(row) : undefined;
  }

  async findById(id: number): Promise<Organization | undefined> {
    const row = await this.repository.findById(id);
    return row ? toOrganization(row) : undefined;
  }

  async findByDataBox(dataBox: string): Promise<Organization | undefined> {
    const row = await this.repository.findByDataBox(normalizeDataBox(dataBox));
    return row ? toOrganization(row) : undefined;
  }

  async children(organization: Organization): Promise<Organization[]> {
    return (await this.repository.children(organization.id)).map(toOrganization);
  }

  async list(options: { limit: number; offset: number; onlyWithRecords?: boolean }): Promise<Array<Organization & { recordCount: number; lastUpdatedAt: string | null; parentIco: string | null }>> {
    const rows: OrganizationStats[] = await this.repository.listWithStats(options);
    return rows.map((row) => ({ ...toOrganization(row), recordCount: row.record_count, lastUpdatedAt: row.last_updated_at, parentIco: row.parent_ico }));
  }

  /** A page of organisations in IČO order for the API; the cursor is the last IČO of the previous page. */
  async page(options: { cursor?: string; limit: number; kind?: string }): Promise<{ items: Array<Organization & { recordCount: number; lastUpdatedAt: string | null; parentIco: string | null }>; nextCursor: string | null }> {
    const rows = await this.repository.pageByIco(options.cursor ?? null, options.limit + 1, options.kind);
    const page = rows.slice(0, options.limit);
    return {
      items: page.map((row) => ({ ...toOrganization(row), recordCount: row.record_count, lastUpdatedAt: row.last_updated_at, parentIco: row.parent_ico })),
      nextCursor: rows.length > options.limit ? page[page.length - 1]!.ico : null,
    };
  }

  count(): Promise<number> {
    return this.repository.count();
  }

  /** Validates the input; throws validation_failed with a Czech reason. */
  async prepare(input: OrganizationInput): Promise<OrganizationWrite> {
    const ico = parseOrganizationIco(input.ico);
    if (!ico) throw new AppError('validation_failed', `IČO „${input.ico}“ není platné (8 číslic s kontrolní číslicí).`, `invalid organization ico ${input.ico}`);
    const name = input.name.trim();
    if (!name) throw new AppError('validation_failed', 'Název organizace chybí.', 'organization name missing');
    if (!isOrganizationKind(input.kind)) throw new AppError('validation_failed', `Neznámý druh organizace „${input.kind}“.`, `unknown organization kind ${input.kind}`);
    let dataBox: string | null = null;
    if (input.dataBox) {
      dataBox = normalizeDataBox(input.dataBox);
      if (!isValidDataBox(dataBox)) throw new AppError('validation_failed', `Identifikátor datové schránky „${input.dataBox}“ nemá 7 znaků.`, `invalid data box ${input.dataBox}`);
    }
    let parentId: number | null = null;
    if (input.parentIco) {
      const parentIco = parseOrganizationIco(input.parentIco);
      const parent = parentIco ? await this.repository.findByIco(parentIco) : undefined;
      if (!parent) throw new AppError('validation_failed', `Nadřízená organizace s IČO ${input.parentIco} není v registru.`, `parent ${input.parentIco} not found`);
      if (parent.ico === ico) throw new AppError('validation_failed', 'Organizace nemůže být nadřízená sama sobě.', 'organization is its own parent');
      parentId = parent.id;
    }
    if (input.population !== undefined && input.population !== null && (!Number.isInteger(input.population) || input.population < 0)) {
      throw new AppError('validation_failed', 'Počet obyvatel musí být nezáporné celé číslo.', 'invalid population');
    }
    if (input.ruianCode && !/^\d{6}$/.test(input.ruianCode)) {
      throw new AppError('validation_failed', `Kód obce RÚIAN „${input.ruianCode}“ má mít 6 číslic.`, 'invalid ruian code');
    }
    return {
      ico,
      name,
      name_folded: foldText(name),
      kind: input.kind,
      ruian_code: input.ruianCode || null,
      data_box: dataBox,
      parent_id: parentId,
      population: input.population ?? null,
      is_demo: input.isDemo ? 1 : 0,
    };
  }

  async create(input: OrganizationInput): Promise<Organization> {
    const values = await this.prepare(input);
    if (await this.repository.findByIco(values.ico)) {
      throw new AppError('conflict', `Organizace s IČO ${values.ico} už v registru je.`, `organization ${values.ico} exists`);
    }
    return toOrganization(await this.repository.insert(values, nowUtc()));
  }

  /** The settings an organisation's admin edits: exactly these values, so that an emptied field is cleared. */
  async updateSettings(organization: Organization, input: { name: string; kind: string; ruianCode: string | null; dataBox: string | null; population: number | null }): Promise<{ organization: Organization; changed: boolean }> {
    const values = await this.prepare({ ico: organization.ico, ...input });
    const existing = (await this.repository.findById(organization.id))!;
    const settings = { name: values.name, name_folded: values.name_folded, kind: values.kind, ruian_code: values.ruian_code, data_box: values.data_box, population: values.population };
    const changed = (Object.keys(settings) as Array<keyof typeof settings>).some((key) => settings[key] !== existing[key]);
    if (!changed) return { organization: toOrganization(existing), changed };
    return { organization: toOrganization(await this.repository.update(existing.id, settings, nowUtc())), changed };
  }

  /** Creates or updates by IČO; a value missing in the input keeps what is stored. */
  async upsert(input: OrganizationInput): Promise<{ organization: Organization; outcome: UpsertOutcome }> {
    const values = await this.prepare(input);
    const existing = await this.repository.findByIco(values.ico);
    if (!existing) return { organization: toOrganization(await this.repository.insert(values, nowUtc())), outcome: 'created' };
    const merged: OrganizationWrite = {
      ...values,
      ruian_code: values.ruian_code ?? existing.ruian_code,
      data_box: values.data_box ?? existing.data_box,
      parent_id: values.parent_id ?? existing.parent_id,
      population: values.population ?? existing.population,
      is_demo: existing.is_demo,
    };
    const changed = (Object.keys(merged) as Array<keyof OrganizationWrite>).some((key) => merged[key] !== existing[key]);
    if (!changed) return { organization: toOrganization(existing), outcome: 'unchanged' };
    return { organization: toOrganization(await this.repository.update(existing.id, merged, nowUtc())), outcome: 'updated' };
  }
}
