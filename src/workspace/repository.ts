import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The workspace's own reads: what needs a clerk's attention, and what is known about a party. */
export class WorkspaceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Contracts published here (not taken from the national register), concluded on or after `since`, worth at least
   * the amount without VAT (or, where only the amount with VAT is known, that amount with 21 % VAT).
   */
  contractsConcludedSince(organizationId: number, since: string, minimumHalere: number, limit: number) {
    const minimumWithVat = Math.round(minimumHalere * 1.21);
    return this.db
      .selectFrom('records')
      .select(['record_key', 'subject', 'primary_date', 'amount_without_vat', 'amount_with_vat'])
      .where('organization_id', '=', organizationId)
      .where('type', '=', 'smlouva')
      .where('status', '=', 'published')
      .where('source_version', 'is', null)
      .where('primary_date', '>=', since)
      .where((eb) => eb.or([eb('amount_without_vat', '>=', minimumHalere), eb.and([eb('amount_without_vat', 'is', null), eb('amount_with_vat', '>=', minimumWithVat)])]))
      .orderBy('primary_date')
      .limit(limit)
      .execute();
  }

  latestPartyByIco(ico: string) {
    return this.db
      .selectFrom('record_parties')
      .select(['name', 'role'])
      .where('ico', '=', ico)
      .orderBy('record_id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
