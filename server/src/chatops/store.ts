import { createHash, randomBytes } from 'node:crypto';
import type { Command } from '../../../shared/chatops/intents.ts';
import type { ChatHistory, ChatUserMapping } from '../../../shared/api/chatops.ts';
import type { SqlDatabase } from '../db/sql/open.ts';

export interface PendingConfirmation {
  userKey: string;
  text: string;
  command: Command;
  channel: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Chat history rows kept per user unless the settings say otherwise (ChatOpsSettings.historyPerUser). */
export const DEFAULT_HISTORY_PER_USER = 1_000;

/** Spent and expired confirmations are kept this long after they expired, then removed. */
const CONFIRMATION_RETENTION_MS = 86_400_000;

/**
 * The ChatOps tables (migration 050) on the shared query layer (SQLite or PostgreSQL):
 * confirmations, history, chat user mappings. On PostgreSQL every replica sees the same
 * rows, so a confirmation given on one replica is spent once on whichever the click or
 * the console reaches (the single use is one conditional UPDATE), and a mapping made on
 * one replica identifies the chat user on all of them.
 */
export class ChatStore {
  readonly #sql: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#sql = database;
  }

  #mappings() {
    return this.#sql.db
      .selectFrom('chat_user_mappings as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'm.platform', 'm.team_id as teamId', 'm.chat_user_id as chatUserId', 'm.user_id as userId', 'u.username', 'm.created_by as createdBy', 'm.created_at as createdAt']);
  }

  /** Stores a pending command and answers its token; only the token's hash is kept. */
  async createConfirmation(input: Omit<PendingConfirmation, 'usedAt'>): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.#sql.db
      .insertInto('chat_confirmations')
      .values({ token_hash: hashToken(token), user_key: input.userKey, text: input.text, command: JSON.stringify(input.command), channel: input.channel, created_at: input.createdAt, expires_at: input.expiresAt })
      .execute();
    // Spent and expired tokens are of no further use; keep the table small.
    await this.#sql.db.deleteFrom('chat_confirmations').where('expires_at', '<', input.createdAt - CONFIRMATION_RETENTION_MS).execute();
    return token;
  }

  async confirmation(token: string): Promise<PendingConfirmation | undefined> {
    const row = await this.#sql.db
      .selectFrom('chat_confirmations')
      .select(['user_key', 'text', 'command', 'channel', 'created_at', 'expires_at', 'used_at'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    return { userKey: row.user_key, text: row.text, command: JSON.parse(row.command) as Command, channel: row.channel, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  /** Marks the token used; false when another call (on any replica) used it first: single use, even under a race. */
  async spend(token: string, now: number): Promise<boolean> {
    const result = await this.#sql.db.updateTable('chat_confirmations').set({ used_at: now }).where('token_hash', '=', hashToken(token)).where('used_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Stores one exchange and keeps at most `keep` rows of that user's (the newest): the
   * history's retention, so a user's history is bounded however long they chat. The
   * removal walks the (user_key, id) index and deletes the one row the insert pushed out.
   */
  async recordHistory(entry: { ts: number; userKey: string; actor: string; channel: 'console' | 'slack'; text: string; intent: string; kind: string; summary: string }, keep = DEFAULT_HISTORY_PER_USER): Promise<void> {
    await this.#sql.db
      .insertInto('chat_history')
      .values({ ts: entry.ts, user_key: entry.userKey, actor: entry.actor, channel: entry.channel, text: entry.text, intent: entry.intent, answer_kind: entry.kind, summary: entry.summary.slice(0, 500) })
      .execute();
    const oldestKept = await this.#sql.db
      .selectFrom('chat_history')
      .select('id')
      .where('user_key', '=', entry.userKey)
      .orderBy('id', 'desc')
      .offset(keep - 1)
      .limit(1)
      .executeTakeFirst();
    if (oldestKept) await this.#sql.db.deleteFrom('chat_history').where('user_key', '=', entry.userKey).where('id', '<', oldestKept.id).execute();
  }

  async history(userKey: string, limit = 100): Promise<ChatHistory['items']> {
    const rows = await this.#sql.db
      .selectFrom('chat_history')
      .select(['id', 'ts', 'channel', 'text', 'intent', 'answer_kind as kind', 'summary'])
      .where('user_key', '=', userKey)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows as ChatHistory['items'];
  }

  async mappings(): Promise<ChatUserMapping[]> {
    return await this.#mappings().orderBy('m.id').execute();
  }

  async mapping(platform: 'slack' | 'mattermost', teamId: string, chatUserId: string): Promise<ChatUserMapping | undefined> {
    return await this.#mappings().where('m.platform', '=', platform).where('m.team_id', '=', teamId).where('m.chat_user_id', '=', chatUserId).executeTakeFirst();
  }

  async mappingById(id: number): Promise<ChatUserMapping | undefined> {
    return await this.#mappings().where('m.id', '=', id).executeTakeFirst();
  }

  /** Undefined when that chat user is already mapped. */
  async createMapping(input: { platform: 'slack' | 'mattermost'; teamId: string; chatUserId: string; userId: number; createdBy: string; createdAt: number }): Promise<ChatUserMapping | undefined> {
    const inserted = await this.#sql.db
      .insertInto('chat_user_mappings')
      .values({ platform: input.platform, team_id: input.teamId, chat_user_id: input.chatUserId, user_id: input.userId, created_by: input.createdBy, created_at: input.createdAt })
      .onConflict((conflict) => conflict.columns(['platform', 'team_id', 'chat_user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? await this.mappingById(inserted.id) : undefined;
  }

  async removeMapping(id: number): Promise<boolean> {
    const result = await this.#sql.db.deleteFrom('chat_user_mappings').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
