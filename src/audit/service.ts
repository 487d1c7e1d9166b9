/** The audit log: every change made by a person or a token, with who, when, what and from where. Append-only. */
import { nowUtc } from '../shared/dates.ts';
import type { AuditRepository } from './repository.ts';
import { AUDIT_ACTIONS, type Actor, type AuditAction } from './rules.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  actionLabel: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(actor: Actor, action: AuditAction, what: { organizationId?: number | null; target?: string | null; detail?: Record<string, unknown> }): Promise<void> {
    await this.repository.insert({
      at: nowUtc(),
      user_id: actor.kind === 'user' ? actor.userId : null,
      token_id: actor.kind === 'token' ? actor.tokenId : null,
      actor: actor.label,
      organization_id: what.organizationId ?? null,
      action,
      target: what.target ?? null,
      detail: what.detail ? JSON.stringify(what.detail) : null,
      ip: actor.kind === 'cli' ? null : actor.ip,
    });
  }

  async list(organizationId: number, options: { limit?: number; beforeId?: number } = {}): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = await this.repository.listForOrganization(organizationId, { limit: limit + 1, beforeId: options.beforeId });
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      actionLabel: AUDIT_ACTIONS[row.action as AuditAction] ?? row.action,
      target: row.target,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
      ip: row.ip,
    }));
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}
