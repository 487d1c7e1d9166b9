import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import type { Db, DialectName } from './connection.ts';
import * as m0001 from './migrations/2026-11-26-0001-register.ts';
import * as m0002 from './migrations/2026-11-26-0002-source-version.ts';
import * as m0003 from './migrations/2026-11-26-0003-import-jobs-harvest.ts';
import * as m0004 from './migrations/2026-11-26-0004-red-flags.ts';
import * as m0005 from './migrations/2026-11-26-0005-record-links.ts';
import * as m0006 from './migrations/2026-11-27-0006-list-counts.ts';
import * as m0007 from './migrations/2026-11-27-0007-ocds.ts';
import * as m0008 from './migrations/2026-11-27-0008-workspace.ts';
import * as m0009 from './migrations/2026-11-27-0009-attachment-owners.ts';
import * as m0010 from './migrations/2026-11-27-0010-organization-updates.ts';
import * as m0011 from './migrations/2026-11-27-0011-register-marks.ts';
import * as m0012 from './migrations/2026-11-27-0012-token-member-scope.ts';

type DialectMigration = { up(db: Kysely<unknown>, dialect: DialectName): Promise<void> };

/** Dated migrations in order. A migration file is frozen once committed; changes come as new files. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '2026-11-26-0001-register': m0001,
  '2026-11-26-0002-source-version': m0002,
  '2026-11-26-0003-import-jobs-harvest': m0003,
  '2026-11-26-0004-red-flags': m0004,
  '2026-11-26-0005-record-links': m0005,
  '2026-11-27-0006-list-counts': m0006,
  '2026-11-27-0007-ocds': m0007,
  '2026-11-27-0008-workspace': m0008,
  '2026-11-27-0009-attachment-owners': m0009,
  '2026-11-27-0010-organization-updates': m0010,
  '2026-11-27-0011-register-marks': m0011,
  '2026-11-27-0012-token-member-scope': m0012,
};

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (kysely) => migration.up(kysely, db.dialect) };
  }
  // The schema is explicit: Kysely looks for its bookkeeping tables in every schema, and another schema's would
  // otherwise make it skip creating its own.
  const migrator = new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations }, migrationTableSchema: db.schema });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** Whether this run added the red-flag column, so existing records need their flags computed. */
export function addedRedFlags(result: MigrationResultSet): boolean {
  return (result.results ?? []).some((r) => r.migrationName === '2026-11-26-0004-red-flags' && r.status === 'Success');
}

/** Whether this run added the table of links between records, so existing records need theirs written. */
export function addedRecordLinks(result: MigrationResultSet): boolean {
  return (result.results ?? []).some((r) => r.migrationName === '2026-11-26-0005-record-links' && r.status === 'Success');
}

/** Whether this run added the party and attachment counts, so existing records need theirs computed. */
export function addedListCounts(result: MigrationResultSet): boolean {
  return (result.results ?? []).some((r) => r.migrationName === '2026-11-27-0006-list-counts' && r.status === 'Success');
}
