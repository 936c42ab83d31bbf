import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Command } from '../../../shared/chatops/intents.ts';
import type { ChatHistory, ChatUserMapping } from '../../../shared/api/chatops.ts';

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

const MAPPING_SELECT =
  'SELECT m.id, m.platform, m.team_id AS teamId, m.chat_user_id AS chatUserId, m.user_id AS userId, u.username, m.created_by AS createdBy, m.created_at AS createdAt FROM chat_user_mappings m JOIN users u ON u.id = m.user_id';

/** The ChatOps tables (migration 050): confirmations, history, chat user mappings. */
export class ChatStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Stores a pending command and answers its token; only the token's hash is kept. */
  createConfirmation(input: Omit<PendingConfirmation, 'usedAt'>): string {
    const token = randomBytes(24).toString('base64url');
    this.#db
      .prepare('INSERT INTO chat_confirmations (token_hash, user_key, text, command, channel, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(hashToken(token), input.userKey, input.text, JSON.stringify(input.command), input.channel, input.createdAt, input.expiresAt);
    // Spent and expired tokens are of no further use; keep the table small.
    this.#db.prepare('DELETE FROM chat_confirmations WHERE expires_at < ?').run(input.createdAt - 86_400_000);
    return token;
  }

  confirmation(token: string): PendingConfirmation | undefined {
    const row = this.#db.prepare('SELECT user_key, text, command, channel, created_at, expires_at, used_at FROM chat_confirmations WHERE token_hash = ?').get(hashToken(token)) as
      | { user_key: string; text: string; command: string; channel: string; created_at: number; expires_at: number; used_at: number | null }
      | undefined;
    if (!row) return undefined;
    return { userKey: row.user_key, text: row.text, command: JSON.parse(row.command) as Command, channel: row.channel, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  /** Marks the token used; false when another call used it first (single use, even under a race). */
  spend(token: string, now: number): boolean {
    return this.#db.prepare('UPDATE chat_confirmations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(now, hashToken(token)).changes === 1;
  }

  recordHistory(entry: { ts: number; userKey: string; actor: string; channel: string; text: string; intent: string; kind: string; summary: string }): void {
    this.#db
      .prepare('INSERT INTO chat_history (ts, user_key, actor, channel, text, intent, answer_kind, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(entry.ts, entry.userKey, entry.actor, entry.channel, entry.text, entry.intent, entry.kind, entry.summary.slice(0, 500));
  }

  history(userKey: string, limit = 100): ChatHistory['items'] {
    return this.#db
      .prepare('SELECT id, ts, channel, text, intent, answer_kind AS kind, summary FROM chat_history WHERE user_key = ? ORDER BY id DESC LIMIT ?')
      .all(userKey, limit) as ChatHistory['items'];
  }

  mappings(): ChatUserMapping[] {
    return this.#db.prepare(`${MAPPING_SELECT} ORDER BY m.id`).all() as ChatUserMapping[];
  }

  mapping(platform: string, teamId: string, chatUserId: string): ChatUserMapping | undefined {
    return this.#db.prepare(`${MAPPING_SELECT} WHERE m.platform = ? AND m.team_id = ? AND m.chat_user_id = ?`).get(platform, teamId, chatUserId) as ChatUserMapping | undefined;
  }

  mappingById(id: number): ChatUserMapping | undefined {
    return this.#db.prepare(`${MAPPING_SELECT} WHERE m.id = ?`).get(id) as ChatUserMapping | undefined;
  }

  /** Undefined when that chat user is already mapped. */
  createMapping(input: { platform: string; teamId: string; chatUserId: string; userId: number; createdBy: string; createdAt: number }): ChatUserMapping | undefined {
    const result = this.#db
      .prepare('INSERT OR IGNORE INTO chat_user_mappings (platform, team_id, chat_user_id, user_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.platform, input.teamId, input.chatUserId, input.userId, input.createdBy, input.createdAt);
    return result.changes === 1 ? this.mappingById(Number(result.lastInsertRowid)) : undefined;
  }

  removeMapping(id: number): boolean {
    return this.#db.prepare('DELETE FROM chat_user_mappings WHERE id = ?').run(id).changes === 1;
  }
}
