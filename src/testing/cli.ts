/** For tests of `om`: a database the command line uses through DATABASE_URL, and a runner that captures stdout. */
import { afterAll, beforeAll, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/testing.ts';
import { testContext } from './factories.ts';
import { main } from '../cli/main.ts';
import type { AppContext } from '../context.ts';

export interface CliTestDatabase {
  database: TestDatabase;
  ctx: AppContext;
}

/** Registers hooks that create the database before the file's tests and drop it after. */
export function useCliTestDatabase(): CliTestDatabase {
  const holder = {} as CliTestDatabase;
  beforeAll(async () => {
    holder.database = await createTestDatabase();
    holder.ctx = testContext(holder.database.db);
    vi.stubEnv('DATABASE_URL', holder.database.url);
    vi.stubEnv('LOG_LEVEL', 'silent');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await holder.database.cleanup();
  });
  return holder;
}

export async function runCli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stdout };
  } finally {
    spy.mockRestore();
  }
}
