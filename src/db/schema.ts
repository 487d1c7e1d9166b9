/** Table types for Kysely. Money columns are integer haléře, dates `YYYY-MM-DD`, timestamps UTC ISO strings. */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface OrganizationsTable {
  id: Generated<number>;
  ico: string;
  name: string;
  name_folded: string;
  kind: string;
  ruian_code: string | null;
  data_box: string | null;
  parent_id: number | null;
  population: number | null;
  is_demo: number;
  created_at: string;
  updated_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  organization_id: number;
  token_hash: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  /** 1: the token may grant and revoke roles in its organisation. */
  may_manage_members: Generated<number>;
}

export interface RecordsTable {
  id: Generated<number>;
  organization_id: number;
  record_key: string;
  type: string;
  status: string;
  current_version_no: number;
  content_hash: string;
  subject: string;
  own_number: string | null;
  primary_date: string;
  amount_without_vat: number | null;
  amount_with_vat: number | null;
  currency: string;
  quality: string;
  has_attachment: number;
  search_text: string;
  first_published_at: string;
  updated_at: string;
  withdrawn_at: string | null;
  withdrawal_reason: string | null;
  /** The source's own version number (the contract register's idVerze), where the record has one. */
  source_version: number | null;
  /** Codes of the record's red flags, ` code code `; NULL until computed for records older than the column. */
  red_flags: string | null;
  /** Parties and attachments of the current version; NULL only for records older than the columns until filled. */
  party_count: number | null;
  attachment_count: number | null;
}

export interface RecordLinksTable {
  record_id: number;
  organization_id: number;
  /** The field that states the link: dodatekKSmlouve, smlouva or objednavka. */
  kind: string;
  target_key: string;
}

export interface RecordVersionsTable {
  id: Generated<number>;
  record_id: number;
  version_no: number;
  change: string;
  content: string;
  content_hash: string;
  quality: string;
  quality_gaps: string;
  warnings: string;
  redactions: string;
  personal_data: string | null;
  note: string | null;
  source: string;
  published_at: string;
}

export interface RecordPartiesTable {
  record_id: number;
  version_no: number;
  position: number;
  name: string;
  name_folded: string;
  ico: string | null;
  foreign_id: string | null;
  role: string;
}

export interface ImportJobsTable {
  id: Generated<number>;
  organization_id: number | null;
  kind: string;
  source_name: string;
  source_key: string;
  actor: string;
  runner: string | null;
  state: string;
  total_bytes: number | null;
  done_bytes: Generated<number>;
  read: Generated<number>;
  created: Generated<number>;
  new_versions: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
  /** JSON: the job's report (file issues, per-row issues, extra counts). */
  report: string | null;
  rejected_csv: string | null;
  error: string | null;
  attempts: Generated<number>;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface HarvestSourcesTable {
  id: Generated<number>;
  organization_id: number;
  url: string;
  record_type: string | null;
  etag: string | null;
  last_modified: string | null;
  content_sha256: string | null;
  active: Generated<number>;
  created_at: string;
  last_checked_at: string | null;
}

export interface HarvestRunsTable {
  id: Generated<number>;
  source_id: number;
  organization_id: number;
  started_at: string;
  finished_at: string;
  outcome: string;
  http_status: number | null;
  job_id: number | null;
  created: Generated<number>;
  new_versions: Generated<number>;
  rejected: Generated<number>;
  message: string | null;
}

export interface OcdsReleasesTable {
  id: Generated<number>;
  ocid: string;
  release_id: string;
  release_date: string;
  /** Space-separated release tags (planning, tender, award, contract, implementation, …). */
  tags: string;
  content: string;
  content_hash: string;
  job_id: number | null;
  imported_at: string;
}

export interface OcdsProcessesTable {
  ocid: string;
  /** The buyer, when its identifier is a CZ-ICO of an organisation in the register. */
  organization_id: number | null;
  buyer_name: string | null;
  title: string | null;
  /** Space-separated stages the process has reached: planning tender award contract implementation. */
  stages: string;
  release_count: number;
  /** The compiled release (JSON). */
  compiled: string;
  updated_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string | null;
  is_platform_admin: number;
  created_at: string;
  disabled_at: string | null;
}

export interface MembershipsTable {
  user_id: number;
  organization_id: number;
  role: string;
  include_subordinates: number;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  ip: string | null;
  ended_at: string | null;
}

export interface OneTimeLinksTable {
  token_hash: string;
  user_id: number;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  user_id: number | null;
  token_id: number | null;
  actor: string;
  organization_id: number | null;
  action: string;
  target: string | null;
  /** JSON with what changed. */
  detail: string | null;
  ip: string | null;
}

export interface DraftsTable {
  id: Generated<number>;
  organization_id: number;
  type: string;
  /** JSON object of the form's flat values. */
  fields: string;
  subject: string;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  record_key: string | null;
}

export interface AttachmentsTable {
  sha256: string;
  media_type: string;
  size: number;
  name: string;
  organization_id: number;
  created_at: string;
  published_at: string | null;
}

export interface OrganizationAttachmentsTable {
  organization_id: number;
  sha256: string;
  name: string;
  created_at: string;
}

/** Marks of register-wide changes without a version (e.g. `red_flags`: when flags were last recomputed). */
export interface RegisterMarksTable {
  name: string;
  value: string;
}

export interface Database {
  organizations: OrganizationsTable;
  register_marks: RegisterMarksTable;
  api_tokens: ApiTokensTable;
  records: RecordsTable;
  record_versions: RecordVersionsTable;
  record_parties: RecordPartiesTable;
  record_links: RecordLinksTable;
  import_jobs: ImportJobsTable;
  harvest_sources: HarvestSourcesTable;
  harvest_runs: HarvestRunsTable;
  ocds_releases: OcdsReleasesTable;
  ocds_processes: OcdsProcessesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  one_time_links: OneTimeLinksTable;
  audit_log: AuditLogTable;
  drafts: DraftsTable;
  attachments: AttachmentsTable;
  organization_attachments: OrganizationAttachmentsTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type RecordRow = Selectable<RecordsTable>;
export type RecordVersionRow = Selectable<RecordVersionsTable>;
export type NewRecordRow = Insertable<RecordsTable>;
