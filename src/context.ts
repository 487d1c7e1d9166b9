/** Wires repositories and services over one database; the edges (API, pages, CLI) receive this. */
import type { Config } from './config.ts';
import type { Db } from './db/connection.ts';
import type { Logger } from './shared/log.ts';
import { OrganizationRepository } from './organizations/repository.ts';
import { OrganizationService } from './organizations/service.ts';
import { RegisterRepository } from './register/repository.ts';
import { RegisterService } from './register/service.ts';
import { RecordSearchService } from './register/search-service.ts';
import { TokenRepository } from './tokens/repository.ts';
import { TokenService } from './tokens/service.ts';
import { PublishingService } from './publishing/service.ts';
import { RegisterImportService } from './imports/registr-smluv/service.ts';
import { JobRepository } from './jobs/repository.ts';
import { JobService } from './jobs/service.ts';
import { TableImportService } from './imports/table/service.ts';
import { IsdocImportService } from './imports/isdoc/service.ts';
import { HarvestRepository } from './harvest/repository.ts';
import { HarvestService } from './harvest/service.ts';
import { ExportRepository } from './exports/repository.ts';
import { ExportService } from './exports/service.ts';
import { CatalogService } from './catalog/service.ts';
import { OcdsExporter } from './ocds/export.ts';
import { OcdsImportRepository, OcdsRepository } from './ocds/repository.ts';
import { OcdsImportService } from './ocds/import.ts';

export interface AppContext {
  config: Config;
  db: Db;
  logger: Logger;
  organizations: OrganizationService;
  register: RegisterService;
  search: RecordSearchService;
  tokens: TokenService;
  publishing: PublishingService;
  registerImport: RegisterImportService;
  jobs: JobService;
  tableImport: TableImportService;
  isdocImport: IsdocImportService;
  harvest: HarvestService;
  exports: ExportService;
  catalog: CatalogService;
  ocdsImport: OcdsImportService;
}

export function createContext(config: Config, db: Db, logger: Logger): AppContext {
  const organizations = new OrganizationService(new OrganizationRepository(db.kysely));
  const registerRepository = new RegisterRepository(db.kysely);
  const register = new RegisterService(registerRepository);
  const search = new RecordSearchService(registerRepository, organizations);
  const tokens = new TokenService(new TokenRepository(db.kysely));
  const publishing = new PublishingService(register);
  const jobs = new JobService(new JobRepository(db.kysely));
  const registerImport = new RegisterImportService(organizations, register, jobs);
  const tableImport = new TableImportService(register, jobs);
  const isdocImport = new IsdocImportService(organizations, register, jobs);
  const harvest = new HarvestService(new HarvestRepository(db.kysely), { tables: tableImport, publishing, jobs, organizations, logger, allowPrivateNetworks: config.harvestAllowPrivate });
  const ocds = new OcdsExporter(new OcdsRepository(db.kysely), { prefix: config.ocdsPrefix, baseUrl: config.baseUrl, publisherIco: config.publisherIco });
  const exports = new ExportService(new ExportRepository(db), organizations, ocds, config.exportDir, logger);
  const catalog = new CatalogService(organizations, exports, { baseUrl: config.baseUrl, contactEmail: config.contactEmail, publisherIco: config.publisherIco });
  const ocdsImport = new OcdsImportService(new OcdsImportRepository(db.kysely), organizations, jobs);
  return { config, db, logger, organizations, register, search, tokens, publishing, registerImport, jobs, tableImport, isdocImport, harvest, exports, catalog, ocdsImport };
}
