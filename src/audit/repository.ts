import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(values: Omit<Database['audit_log'], 'id'> & { id?: never }): Promise<void> {
    await this.db.insertInto('audit_log').values(values).execute();
  }

  listForOrganization(organizationId: number, options: { limit: number; beforeId?: number }) {
    let query = this.db
      .selectFrom('audit_log')
      .select(['id', 'at', 'actor', 'action', 'target', 'detail', 'ip'])
      .where('organization_id', '=', organizationId);
    if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
    return query.orderBy('id', 'desc').limit(options.limit).execute();
  }
}
