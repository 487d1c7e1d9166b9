/**
 * `om`, the command line: om serve | migrate | demo | token create|list|revoke | validate | publish | organizations import.
 * Messages for people are Czech; logs (stderr, JSON) are English.
 */
// Modules are imported by the command that needs them: `om publish` should not pay for loading the web app.
import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { formatFromFileName, type InputFormat } from '../publishing/input.ts';
import { RECORD_TYPES, type RecordType } from '../standard/schema.ts';
import type { OrganizationSourceRow } from '../organizations/import.ts';
import { progressReporter } from './progress.ts';
import { memoryGuard, periodicCollector } from '../shared/memory.ts';


async function openContext(): Promise<AppContext> {
  const [{ loadConfig }, { openDatabase }, { migrateToLatest, addedRedFlags, addedRecordLinks, addedListCounts }, { createContext }, { createLogger }] = await Promise.all([
    import('../config.ts'),
    import('../db/connection.ts'),
    import('../db/migrate.ts'),
    import('../context.ts'),
    import('../shared/log.ts'),
  ]);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databaseUrl, { logger });
  const migrated = await migrateToLatest(db);
  const ctx = createContext(config, db, logger);
  if (addedRedFlags(migrated)) {
    const changed = await ctx.register.recomputeRedFlags({ onlyMissing: true });
    ctx.logger.info('red flags computed for existing records', { records: changed });
  }
  if (addedRecordLinks(migrated)) ctx.logger.info('links between existing records written', { links: await ctx.register.rebuildLinks() });
  if (addedListCounts(migrated)) ctx.logger.info('party and attachment counts of existing records computed', { records: await ctx.register.fillListCounts() });
  return ctx;
}

const USAGE = `Použití: om PŘÍKAZ [volby]

  serve                         spustí portál (migruje; do prázdné databáze nahraje ukázková data)
  migrate                       převede databázi na nejnovější schéma
  demo                          nahraje ukázková data (skutečná města, vygenerované záznamy)
  token create --org IČO [--label TEXT]   vytvoří přístupový token organizace (zobrazí se jen jednou)
  token list --org IČO          vypíše tokeny organizace
  token revoke ID               zruší token
  user create E-MAIL [--name JMÉNO] [--admin] [--org IČO --role editor|admin --subordinates]
                                založí uživatele správy a vypíše jednorázový odkaz k nastavení hesla
                                (--admin: správce platformy); výchozí heslo neexistuje
  user link E-MAIL              vydá uživateli nový jednorázový odkaz k přihlášení
  validate SOUBOR [--typ T] [--json]      ověří soubor podle standardu, nic neukládá
  publish --org IČO SOUBOR [--typ T] [--atomic] [--note TEXT] [--json]
                                zveřejní záznamy ze souboru (CSV, JSON, NDJSON)
  import table --org IČO SOUBOR [--typ T] [--atomic] [--rejected F.csv] [--report F.csv] [--json]
                                nahraje tabulku (CSV nebo XLSX; české názvy sloupců, desetinné
                                čárky, data d. m. rrrr); --rejected uloží odmítnuté řádky k opravě
  import isdoc [--org IČO] SOUBOR… [--atomic] [--json]
                                nahraje faktury ISDOC (.isdoc, .isdocx nebo ZIP s více fakturami);
                                bez --org se organizace najde podle IČO odběratele či dodavatele
  import registr-smluv SOUBOR [--index index.xml] [--atomic] [--json]
                                nahraje dump registru smluv (.xml nebo .xml.gz)
  import ocds SOUBOR… [--json]  nahraje balíčky OCDS 1.1 (release i record package): plánování,
                                zadávání, výběr, smlouvu a plnění zadávacích procesů
  harvest                       stáhne registrované zdroje organizací (podmíněně, jen změny) a nahraje je
  harvest add|list|remove --org IČO [URL|ID] [--typ T]
                                spravuje adresy, kde organizace zveřejňuje soubory podle standardu
  export [--format csv,excel,ndjson,ocds] [--org IČO…] [--threads 1|2] [--json]
                                zapíše hromadné soubory otevřených dat (CSV, CSV pro Excel, NDJSON,
                                OCDS) do EXPORT_DIR; bez --org i soubory za celou platformu
  red-flags                     přepočítá varovné signály všech záznamů (po změně metodiky)
  attachments prune [--org IČO] [--days N]
                                smaže nahrané přílohy, které nic nejmenuje (koncept ani záznam) a jsou
                                starší než N dní (výchozí 30); zveřejněné přílohy zůstávají vždy
  organizations import SOUBOR   nahraje organizace ze Seznamu OVM (XML) nebo CSV
                                (ico;nazev;druh;kodObce;datovaSchranka;pocetObyvatel;icoNadrizene)

Proměnné prostředí: PORT, HOST, DATA_DIR, DATABASE_URL, BASE_URL, LOG_LEVEL, HARVEST_INTERVAL,
EXPORT_DIR, EXPORT_TIME, OCDS_PREFIX (viz README).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function withContext<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext();
  try {
    return await work(ctx);
  } finally {
    await ctx.db.close();
  }
}

function typeOption(value: string | undefined): RecordType | undefined {
  if (value === undefined) return undefined;
  if (!(RECORD_TYPES as readonly string[]).includes(value)) fail(`Neznámý typ „${value}“: použijte smlouva, objednavka nebo faktura.`);
  return value as RecordType;
}

function fileArgument(path: string | undefined): string {
  if (!path) fail('Chybí soubor.');
  if (!existsSync(path)) fail(`Soubor ${path} neexistuje.`);
  return path;
}

function formatOf(path: string): InputFormat | undefined {
  return formatFromFileName(basename(path));
}

async function cmdServe(): Promise<void> {
  const ctx = await openContext();
  const { config, logger, db } = ctx;
  const [{ serve }, { createApp }, { loadDemo }] = await Promise.all([import('@hono/node-server'), import('../app.tsx'), import('../demo/demo.ts')]);
  if ((await ctx.organizations.count()) === 0) {
    const demo = await loadDemo(ctx);
    logger.info('empty database: demo data loaded', demo);
  }
  const app = createApp(ctx);
  // Built in the background: searches are answered by SQL until it is ready (/healthz tells).
  void ctx.search.index.start().catch(() => undefined);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info('portal listening', { url: config.baseUrl, port: info.port, database: db.target });
    process.stdout.write(`Portál běží na ${config.baseUrl} (databáze ${db.target}).\n`);
  });
  if ((await ctx.accounts.listUsers()).length === 0) {
    process.stdout.write('Správa (/sprava) zatím nemá žádného uživatele. Prvního správce založíte příkazem: npm run om -- user create VÁŠ@E-MAIL --admin\n');
  }
  const schedule = config.harvestIntervalMs ? ctx.harvest.startSchedule(config.harvestIntervalMs) : null;
  if (schedule) logger.info('harvest schedule on', { intervalMs: config.harvestIntervalMs });
  const exportSchedule = ctx.exports.startSchedule(config.exportTime);
  const stop = () => {
    server.close();
    schedule?.stop();
    exportSchedule.stop();
    void Promise.all([schedule?.idle(), exportSchedule.idle()])
      .then(() => db.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function cmdToken(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { org: { type: 'string' }, label: { type: 'string' } }, allowPositionals: true });
  const [action, id] = positionals;
  await withContext(async (ctx) => {
    if (action === 'create' || action === 'list') {
      if (!values.org) fail('Zadejte organizaci: --org IČO');
      const organization = await ctx.organizations.getByIco(values.org);
      if (action === 'create') {
        const created = await ctx.tokens.create(organization, values.label ?? 'cli');
        process.stderr.write(`Token ${created.id} pro ${organization.name} (uschovejte jej, znovu se nezobrazí):\n`);
        process.stdout.write(`${created.token}\n`);
      } else {
        for (const token of await ctx.tokens.list(organization)) {
          process.stdout.write(`${token.id}\t${token.label}\tvytvořen ${token.created_at}\t${token.revoked_at ? `zrušen ${token.revoked_at}` : 'aktivní'}\n`);
        }
      }
    } else if (action === 'revoke') {
      if (!id || !/^\d+$/.test(id)) fail('Zadejte číslo tokenu: om token revoke ID');
      await ctx.tokens.revoke(Number(id));
      process.stdout.write(`Token ${id} zrušen.\n`);
    } else {
      fail('Použití: om token create|list --org IČO, om token revoke ID');
    }
  });
}

/**
 * `om user create EMAIL [--name JMÉNO] [--admin] [--org IČO [--role editor|admin] [--subordinates]]` and
 * `om user link EMAIL`: accounts have no password until their owner sets one through the printed one-time link.
 */
async function cmdUser(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, admin: { type: 'boolean' }, org: { type: 'string' }, role: { type: 'string' }, subordinates: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [action, email] = positionals;
  if ((action !== 'create' && action !== 'link') || !email) fail('Použití: om user create E-MAIL [--name JMÉNO] [--admin] [--org IČO --role editor|admin --subordinates], om user link E-MAIL');
  return withContext(async (ctx) => {
    const actor = { kind: 'cli' as const, label: 'om (příkazová řádka)' };
    let user = await ctx.accounts.findByEmail(email);
    if (action === 'create') {
      if (user) fail(`Uživatel ${email} už existuje; nový odkaz vydá om user link ${email}.`);
      const organization = values.org ? await ctx.organizations.getByIco(values.org) : null;
      user = await ctx.accounts.createUser({ email, name: values.name ?? email, isPlatformAdmin: values.admin ?? false });
      await ctx.audit.record(actor, 'user.created', { organizationId: organization?.id ?? null, target: user.email, detail: { platformAdmin: user.isPlatformAdmin } });
      if (organization) {
        const role = values.role ?? 'editor';
        await ctx.accounts.grant(user, organization, role, values.subordinates ?? false);
        await ctx.audit.record(actor, 'member.granted', { organizationId: organization.id, target: user.email, detail: { role, subordinates: values.subordinates ?? false } });
      }
    } else if (!user) {
      fail(`Uživatel ${email} neexistuje.`);
    }
    const link = await ctx.accounts.issueLink(user, 'sign_in');
    process.stderr.write(`Jednorázový odkaz pro ${user.email} (platí 72 hodin; heslo si nastaví sám, výchozí heslo neexistuje):\n`);
    process.stdout.write(`${link}\n`);
    return 0;
  });
}

async function cmdValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { typ: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
  const path = fileArgument(positionals[0]);
  const { validateFile } = await import('../publishing/service.ts');
  const progress = progressReporter('Kontrola');
  const started = process.hrtime.bigint();
  const report = await validateFile(createReadStream(path), { format: formatOf(path), defaultType: typeOption(values.typ), onProgress: (n) => progress.update(n) });
  progress.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...report, seconds })}\n`);
  } else {
    const s = report.summary;
    process.stdout.write(`${path}: ${s.read} záznamů, ${s.valid} v pořádku, ${s.rejected} odmítnuto, ${s.withWarnings} s varováním (kvalita A ${s.quality.A}, B ${s.quality.B}, C ${s.quality.C})\n`);
    for (const issue of report.fileIssues) process.stdout.write(`  soubor: ${issue.message}\n`);
    for (const row of report.rows) {
      for (const issue of row.issues) {
        process.stdout.write(`  řádek ${row.line}${row.id ? ` (${row.id})` : ''}: ${issue.severity === 'error' ? 'CHYBA' : 'varování'} ${issue.path || '—'}: ${issue.message}\n`);
      }
    }
  }
  return report.summary.rejected > 0 ? 1 : 0;
}

async function cmdPublish(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { org: { type: 'string' }, typ: { type: 'string' }, atomic: { type: 'boolean' }, note: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (!values.org) fail('Zadejte organizaci: --org IČO');
  const path = fileArgument(positionals[0]);
  return withContext(async (ctx) => {
    const organization = await ctx.organizations.getByIco(values.org!);
    const progress = progressReporter('Publikace');
    // Every 10,000 records: 277 MB peak for 1,000,000 rows instead of 290–301 MB at every 20,000, at the same speed.
    const collect = periodicCollector(10_000);
    const started = process.hrtime.bigint();
    const format = formatOf(path);
    // A JSON document is parsed whole, so it is read here; line formats stream through the worker.
    const publishing = format === 'json' ? (options: Parameters<typeof ctx.publishing.publishFile>[2]) => ctx.publishing.publishFile(organization, createReadStream(path), options) : (options: Parameters<typeof ctx.publishing.publishFile>[2]) => ctx.publishing.publishPath(organization, path, options);
    const report = await publishing({
      format,
      defaultType: typeOption(values.typ),
      atomic: values.atomic,
      note: values.note,
      source: `cli:${basename(path)}`,
      keepOutcomes: 'problems',
      maxOutcomes: 10_000,
      onProgress: (counts) => {
        progress.update(counts.read);
        collect(counts.read);
      },
    });
    progress.finish();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = Math.round(report.read / Math.max(seconds, 1e-6));
    ctx.logger.info('file published', { seconds, rate, file: path, organization: organization.ico, read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected });
    if (values.json) {
      const { outcomes, ...counts } = report;
      process.stdout.write(`${JSON.stringify({ ...counts, seconds, issues: outcomes })}\n`);
    } else {
      process.stdout.write(
        `${organization.name}: přečteno ${report.read}, nových ${report.created}, nových verzí ${report.newVersions}, beze změny ${report.unchanged}, odmítnuto ${report.rejected} (${seconds.toFixed(1).replace('.', ',')} s, ${rate.toLocaleString('cs-CZ')} záznamů/s)\n`,
      );
      for (const outcome of report.outcomes.filter((o) => o.status === 'rejected')) {
        for (const issue of outcome.issues) process.stdout.write(`  řádek ${outcome.line}${outcome.id ? ` (${outcome.id})` : ''}: ${issue.path || '—'}: ${issue.message}\n`);
      }
    }
    return report.rejected > 0 ? 1 : 0;
  });
}

interface ImportOutcome {
  read: number;
  created: number;
  newVersions: number;
  unchanged: number;
  rejected: number;
  job: { id: number; state: string };
}

const PRINTED_ISSUES = 200;

function printImportSummary(label: string, result: ImportOutcome, seconds: number, extra = ''): void {
  const rate = Math.round(result.read / Math.max(seconds, 1e-6));
  process.stdout.write(
    `${label}: import č. ${result.job.id}, přečteno ${result.read}, nových ${result.created}, nových verzí ${result.newVersions}, beze změny ${result.unchanged}, odmítnuto ${result.rejected}${extra} (${seconds.toFixed(1).replace('.', ',')} s, ${rate.toLocaleString('cs-CZ')} záznamů/s)\n`,
  );
}

function printJson(result: object, seconds: number): void {
  process.stdout.write(`${JSON.stringify({ ...result, seconds })}\n`);
}

async function cmdImportTable(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { org: { type: 'string' }, typ: { type: 'string' }, atomic: { type: 'boolean' }, note: { type: 'string' }, json: { type: 'boolean' }, rejected: { type: 'string' }, report: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.org) fail('Zadejte organizaci: --org IČO');
  const file = fileArgument(positionals[0]);
  const { fileSource } = await import('../imports/source.ts');
  const source = fileSource(file);
  return withContext(async (ctx) => {
    const organization = await ctx.organizations.getByIco(values.org!);
    const progress = progressReporter('Import', { totalBytes: source.size });
    const started = process.hrtime.bigint();
    const result = await ctx.tableImport.importTable(organization, source, {
      actor: 'cli',
      defaultType: typeOption(values.typ),
      atomic: values.atomic,
      note: values.note,
      onProgress: (counts, bytes) => progress.update(counts.read, bytes),
    });
    progress.finish();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    ctx.logger.info('table imported', { job: result.job.id, file, seconds, read: result.read, created: result.created, newVersions: result.newVersions, unchanged: result.unchanged, rejected: result.rejected });
    const { writeFileSync } = await import('node:fs');
    if (values.report) writeFileSync(values.report, result.issuesCsv);
    if (values.rejected && result.rejectedCsv) writeFileSync(values.rejected, result.rejectedCsv);
    if (values.json) {
      const { issuesCsv: _csv, rejectedCsv: _rejected, ...rest } = result;
      printJson(rest, seconds);
    } else {
      printImportSummary(organization.name, result, seconds);
      for (const issue of result.fileIssues) process.stdout.write(`  soubor: ${issue.message}\n`);
      for (const issue of result.issues.slice(0, PRINTED_ISSUES)) {
        const where = issue.column ? `, sloupec „${issue.column}“${issue.value ? ` = „${issue.value}“` : ''}` : '';
        process.stdout.write(`  řádek ${issue.line}${where}: ${issue.severity === 'error' ? 'CHYBA' : 'varování'}: ${issue.message}\n`);
      }
      if (result.issues.length > PRINTED_ISSUES) process.stdout.write(`  … a dalších ${result.issues.length - PRINTED_ISSUES} (celý seznam uloží volba --report SOUBOR.csv)\n`);
      if (result.rejectedCsv && !values.rejected) process.stdout.write('  Odmítnuté řádky k opravě uloží volba --rejected SOUBOR.csv.\n');
    }
    return result.rejected > 0 ? 1 : 0;
  });
}

async function cmdImportRegister(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { index: { type: 'string' }, json: { type: 'boolean' }, atomic: { type: 'boolean' } }, allowPositionals: true });
  const file = fileArgument(positionals[0]);
  const { verifyDumpAgainstIndex } = await import('../imports/registr-smluv/service.ts');
  if (values.index) await verifyDumpAgainstIndex(file, fileArgument(values.index));
  const { fileSource } = await import('../imports/source.ts');
  const source = fileSource(file);
  return withContext(async (ctx) => {
    const progress = progressReporter('Import', { totalBytes: source.size });
    // A dump's records are large, and this thread prepares some of them too (work-share.ts). With V8 collecting the
    // old generation once it grows by half (bin/om.mjs), a full collection is only forced past 48 MB of old
    // generation: forcing one every 5,000 records instead cost ~6 % of the time (200,000 records: 32.2-33.5 s
    // against 34.9-35.5 s, at the same 272-281 MB peak).
    const guard = memoryGuard({ oldGenerationMb: 48, arrayBuffersMb: 64 });
    const started = process.hrtime.bigint();
    const report = await ctx.registerImport.importDump(source, {
      actor: 'cli',
      atomic: values.atomic,
      gzip: file.toLowerCase().endsWith('.gz'),
      onProgress: (counts, bytes) => {
        progress.update(counts.read, bytes);
        guard();
      },
    });
    progress.finish();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    ctx.logger.info('register dump imported', { job: report.job.id, file, seconds, read: report.read, created: report.created, newVersions: report.newVersions, unchanged: report.unchanged, rejected: report.rejected });
    if (values.json) {
      printJson(report, seconds);
    } else {
      printImportSummary('Registr smluv', report, seconds, `, nových organizací ${report.organizationsCreated}`);
      for (const outcome of report.issues.filter((o) => o.status === 'rejected').slice(0, PRINTED_ISSUES)) {
        for (const problem of outcome.issues) process.stdout.write(`  řádek ${outcome.line}${outcome.id ? ` (idSmlouvy ${outcome.id})` : ''}: ${problem.path || '—'}: ${problem.message}\n`);
      }
    }
    return report.rejected > 0 ? 1 : 0;
  });
}

async function cmdImportIsdoc(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { org: { type: 'string' }, json: { type: 'boolean' }, atomic: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) fail('Chybí soubor: om import isdoc [--org IČO] SOUBOR…');
  const { readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const files = positionals.map((path) => ({ name: basename(fileArgument(path)), bytes: readFileSync(path) }));
  const digest = createHash('sha256');
  for (const file of files) digest.update(file.name).update(file.bytes);
  return withContext(async (ctx) => {
    const organization = values.org ? await ctx.organizations.getByIco(values.org) : undefined;
    const started = process.hrtime.bigint();
    const result = await ctx.isdocImport.importFiles(files, { actor: 'cli', organization, atomic: values.atomic, sourceKey: `sha256:${digest.digest('hex')}` });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    ctx.logger.info('ISDOC imported', { job: result.job.id, files: files.length, read: result.read, created: result.created, newVersions: result.newVersions, unchanged: result.unchanged, rejected: result.rejected });
    if (values.json) {
      const issues = result.outcomes.filter((o) => o.issues.length > 0).map((o) => ({ file: o.file, invoice: o.invoice, status: o.status, issues: o.issues }));
      printJson({ read: result.read, created: result.created, newVersions: result.newVersions, unchanged: result.unchanged, rejected: result.rejected, job: result.job, issues, outcomes: result.outcomes }, seconds);
    } else {
      printImportSummary('Faktury ISDOC', result, seconds);
      for (const outcome of result.outcomes) {
        for (const issue of outcome.issues) {
          process.stdout.write(`  ${outcome.file}${outcome.invoice ? ` (${outcome.invoice})` : ''}: ${issue.severity === 'error' ? 'CHYBA' : 'varování'} ${issue.element || '—'}: ${issue.message}\n`);
        }
      }
    }
    return result.rejected > 0 ? 1 : 0;
  });
}

async function cmdImport(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  if (kind === 'registr-smluv') return cmdImportRegister(rest);
  if (kind === 'table') return cmdImportTable(rest);
  if (kind === 'isdoc') return cmdImportIsdoc(rest);
  if (kind === 'ocds') return cmdImportOcds(rest);
  fail('Použití: om import table|isdoc|registr-smluv|ocds SOUBOR … (viz om help)');
}

async function cmdImportOcds(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length === 0) fail('Zadejte soubor: om import ocds SOUBOR…');
  const { fileSource } = await import('../imports/source.ts');
  return withContext(async (ctx) => {
    let failed = false;
    for (const path of positionals) {
      const started = process.hrtime.bigint();
      const result = await ctx.ocdsImport.importFile(fileSource(fileArgument(path)), { actor: 'cli' });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      failed ||= result.rejected > 0;
      if (values.json) {
        printJson(result, seconds);
        continue;
      }
      process.stdout.write(`${path}: ${result.read} vydání, ${result.created} nových, ${result.unchanged} beze změny, ${result.rejected} odmítnuto\n`);
      for (const process_ of result.processes) process.stdout.write(`  ${process_.ocid}: ${process_.title ?? '(bez názvu)'} – fáze ${process_.stages.join(', ') || 'žádná'}\n`);
      for (const issue of result.issues) process.stdout.write(`  vydání č. ${issue.index}${issue.releaseId ? ` (${issue.releaseId})` : ''}: ${issue.field || '—'}: ${issue.message}\n`);
    }
    return failed ? 1 : 0;
  });
}

async function cmdExport(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { format: { type: 'string' }, org: { type: 'string', multiple: true }, json: { type: 'boolean' }, threads: { type: 'string' } } });
  if (values.threads !== undefined && values.threads !== '1' && values.threads !== '2') fail('Volba --threads přijímá 1 nebo 2.');
  const { EXPORT_FORMATS } = await import('../exports/rules.ts');
  const formats = values.format?.split(',').map((f) => f.trim());
  const unknown = formats?.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f)) ?? [];
  if (unknown.length > 0) fail(`Neznámý formát ${unknown.join(', ')}; možnosti: ${EXPORT_FORMATS.join(', ')}.`);
  return withContext(async (ctx) => {
    let progress: ReturnType<typeof progressReporter> | undefined;
    // Exports hold little but read ~1 kB per record. A full collection forced every 10,000 records kept the peak
    // near 200 MB but cost a quarter of the CSV time. With the old generation collected at 1.5 times its live size
    // (bin/om.mjs), a CSV export's main thread stays under 24 MB on its own; NDJSON, which then built its lines in
    // JavaScript, needed this guard about once per 10,000 records (at 24 MB, twice as often, and a fifth slower).
    // Measured on 900,000 records, alternating with the old code: SQLite CSV on two threads 8.1–9.8 s at
    // 188–192 MB instead of 9.6–11.6 s at 201–205 MB; PostgreSQL CSV 76,000–89,000 rows/s instead of ~66,000, but at
    // 188–206 MB instead of 186–191 (one run in five over 200); NDJSON unchanged in speed and memory on both.
    // Both formats now stream their rows as Buffers (CSV the contents, NDJSON the lines), which the heap hardly
    // notices: the guard also collects the young generation once Buffers hold more than 32 MB (see memoryGuard).
    let nextCollect = 0;
    const collect = memoryGuard({ oldGenerationMb: 32, arrayBuffersMb: 32 });
    ctx.db.preferScans();
    const result = await ctx.exports.run({
      formats: formats as Array<(typeof EXPORT_FORMATS)[number]> | undefined,
      organizations: values.org,
      organizationBufferBytes: 24 * 1024 * 1024,
      threads: values.threads === undefined ? undefined : values.threads === '1' ? 1 : 2,
      onProgress: (done, total) => {
        // Records stand in for bytes: the bar's share and time left come from how many of the total are done.
        progress ??= progressReporter('Export', { totalBytes: total });
        progress.update(done, done);
        // Batches are small (range-writer.ts): the guard looks every 1,000 records or so.
        if (done >= nextCollect) {
          nextCollect = done + 1000;
          collect();
        }
      },
    });
    progress?.finish();
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ records: result.records, files: result.files, seconds: result.seconds, threads: result.threads, directory: ctx.exports.directory })}\n`);
    } else {
      process.stdout.write(`Export: ${result.records} záznamů, ${result.files} souborů v ${ctx.exports.directory} za ${result.seconds.toFixed(1)} s.\n`);
    }
    return 0;
  });
}

async function cmdHarvest(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { org: { type: 'string' }, typ: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
  const [action, argument] = positionals;
  const { HARVEST_OUTCOME_LABELS } = await import('../harvest/rules.ts');
  return withContext(async (ctx) => {
    if (action === 'add' || action === 'list' || action === 'remove') {
      if (!values.org) fail('Zadejte organizaci: --org IČO');
      const organization = await ctx.organizations.getByIco(values.org);
      if (action === 'add') {
        if (!argument) fail('Zadejte adresu: om harvest add --org IČO URL [--typ T]');
        const source = await ctx.harvest.addSource(organization, argument, typeOption(values.typ));
        process.stdout.write(`Zdroj ${source.id} přidán: ${source.url}\n`);
      } else if (action === 'remove') {
        if (!argument || !/^\d+$/.test(argument)) fail('Zadejte číslo zdroje: om harvest remove --org IČO ID');
        await ctx.harvest.removeSource(organization, Number(argument));
        process.stdout.write(`Zdroj ${argument} vypnut (záznamy i protokol zůstávají).\n`);
      } else {
        for (const source of await ctx.harvest.listSources(organization)) {
          process.stdout.write(`${source.id}\t${source.url}\t${source.recordType ?? 'typ ze souboru'}\tnaposledy ${source.lastCheckedAt ?? 'nikdy'}\n`);
        }
      }
      return 0;
    }
    if (action !== undefined) fail('Použití: om harvest [add|list|remove --org IČO …]');
    const runs = await ctx.harvest.harvestAll();
    if (values.json) process.stdout.write(`${JSON.stringify(runs)}\n`);
    else {
      for (const run of runs) {
        const counts = run.outcome === 'imported' ? ` (nových ${run.created}, nových verzí ${run.newVersions}, odmítnuto ${run.rejected})` : '';
        process.stdout.write(`${run.url}: ${HARVEST_OUTCOME_LABELS[run.outcome]}${counts}${run.message ? ` – ${run.message}` : ''}\n`);
      }
      if (runs.length === 0) process.stdout.write('Žádná organizace nemá zaregistrovaný zdroj ke sklizni (om harvest add --org IČO URL).\n');
    }
    return runs.some((run) => run.outcome === 'failed') ? 1 : 0;
  });
}

async function cmdOrganizations(args: string[]): Promise<number> {
  const [action, path] = args;
  if (action !== 'import') fail('Použití: om organizations import SOUBOR');
  const file = fileArgument(path);
  return withContext(async (ctx) => {
    const { readOrganizationCsv, readOvmXml } = await import('../organizations/import.ts');
    const rows: AsyncIterable<OrganizationSourceRow> = file.toLowerCase().endsWith('.xml') ? readOvmXml(createReadStream(file)) : readOrganizationCsv(createReadStream(file));
    const counts = { read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
    const pendingParents: Array<{ line: number; input: Parameters<AppContext['organizations']['upsert']>[0] }> = [];
    const apply = async (line: number, input: Parameters<AppContext['organizations']['upsert']>[0]) => {
      try {
        const { outcome } = await ctx.organizations.upsert(input);
        counts[outcome]++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        counts.rejected++;
        process.stdout.write(`  řádek ${line}: ${error.userMessage}\n`);
      }
    };
    for await (const row of rows) {
      counts.read++;
      if ('error' in row) {
        counts.rejected++;
        process.stdout.write(`  řádek ${row.line}: ${row.error}\n`);
        continue;
      }
      // A parent may come later in the file; such rows are stored after the rest.
      if (row.input.parentIco && !(await ctx.organizations.findByIco(row.input.parentIco))) pendingParents.push(row);
      else await apply(row.line, row.input);
    }
    for (const row of pendingParents) await apply(row.line, row.input);
    process.stdout.write(`Organizace: přečteno ${counts.read}, nových ${counts.created}, změněných ${counts.updated}, beze změny ${counts.unchanged}, odmítnuto ${counts.rejected}\n`);
    return counts.rejected > 0 ? 1 : 0;
  });
}

async function cmdAttachments(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { org: { type: 'string' }, days: { type: 'string' } }, allowPositionals: true });
  if (positionals[0] !== 'prune') fail('Použití: om attachments prune [--org IČO] [--days N]');
  if (values.days !== undefined && !/^\d+$/.test(values.days)) fail(`Počet dní „${values.days}“ není celé nezáporné číslo.`);
  const days = values.days === undefined ? 30 : Number(values.days);
  return withContext(async (ctx) => {
    const organization = values.org ? await ctx.organizations.getByIco(values.org) : undefined;
    const report = await ctx.attachments.pruneUnnamed({ organization, olderThanDays: days });
    ctx.logger.info('unnamed attachments pruned', { organization: organization?.ico ?? null, olderThanDays: days, ...report });
    process.stdout.write(`Přílohy: prověřeno ${report.checked} nezveřejněných, odebráno ${report.usesRemoved}, smazáno souborů ${report.filesRemoved}.\n`);
    return 0;
  });
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await cmdServe();
      return -1;
    case 'migrate':
      await withContext(async (ctx) => {
        process.stdout.write(`Databáze ${ctx.db.target} je na nejnovějším schématu.\n`);
      });
      return 0;
    case 'demo':
      await withContext(async (ctx) => {
        const { loadDemo } = await import('../demo/demo.ts');
        const result = await loadDemo(ctx);
        process.stdout.write(`Ukázková data: ${result.organizations} organizací, ${result.created} nových záznamů.\n`);
      });
      return 0;
    case 'token':
      await cmdToken(rest);
      return 0;
    case 'user':
      return cmdUser(rest);
    case 'validate':
      return cmdValidate(rest);
    case 'publish':
      return cmdPublish(rest);
    case 'organizations':
      return cmdOrganizations(rest);
    case 'import':
      return cmdImport(rest);
    case 'harvest':
      return cmdHarvest(rest);
    case 'export':
      return cmdExport(rest);
    case 'attachments':
      return cmdAttachments(rest);
    case 'red-flags':
      await withContext(async (ctx) => {
        const changed = await ctx.register.recomputeRedFlags({ onlyMissing: false });
        process.stdout.write(`Varovné signály přepočítány: změna u ${changed} záznamů.\n`);
      });
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`Neznámý příkaz „${command}“.\n\n${USAGE}\n`);
      return 2;
  }
}

const isEntry = process.argv[1] && /cli[\\/]main\.ts$|bin[\\/]om\.mjs$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof AppError) {
        process.stderr.write(`Chyba: ${error.userMessage}\n`);
        process.exitCode = error.code === 'internal_error' ? 70 : 1;
      } else {
        process.stderr.write(`Neočekávaná chyba: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 70;
      }
    },
  );
}
