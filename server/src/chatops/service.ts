import type { ChatCard, ErrorCard } from '../../../shared/api/chatops.ts';
import type { Alternative, Command, ParseResult } from '../../../shared/chatops/intents.ts';
import type * as ChatParser from '../../../shared/chatops/parser.ts';
import { AppError, type ErrorCode } from '../../../shared/errors.ts';
import type { AuditLog, AuditOutcome } from '../audit/store.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import { actorOfChat, type ChatUser } from './chat-user.ts';
import { EXECUTORS } from './executors/index.ts';
import type { Executor, ExecutorDeps } from './executors/types.ts';
import { missingPermission } from './policy.ts';
import { inventoryVisibility } from './live-inventory.ts';
import type { ChatOpsSettings } from './settings.ts';
import type { ChatStore, PendingConfirmation } from './store.ts';
import type { QueryBudget } from '../datasources/query-budget.ts';
import { CONVERSATION_LINES, runInConversation } from './run-in-conversation.ts';

let chatParser: Promise<typeof ChatParser> | undefined;

export interface ChatServiceDeps extends ExecutorDeps {
  store: ChatStore;
  audit: AuditLog;
  /** The query layer: a confirmation is spent, and its command run and audited, in one transaction. */
  sql: SqlDatabase;
  settings: ChatOpsSettings;
  /** The per-principal message budget (`settings.messagesPerMinute`); absent: not limited. */
  limit?: Pick<QueryBudget, 'take'>;
}

export interface ChatInput {
  text: string;
  confirm?: string;
  utcOffsetMinutes?: number;
}

function errorCard(intent: ErrorCard['intent'], code: ErrorCode | string, text: string, alternatives: Alternative[] = []): ErrorCard {
  const titles: Record<string, string> = { E_FORBIDDEN: 'Not allowed', E_NOT_FOUND: 'Not found', E_CONFLICT: 'Cannot do that now', E_UNAVAILABLE: 'Not available', E_TOKEN_INVALID: 'Confirmation not valid' };
  return { kind: 'error', intent, title: titles[code] ?? (code === 'E_BAD_REQUEST' ? 'Not understood' : 'Failed'), text, code, alternatives };
}

/** Same intent and slots, whatever the key order: what a confirmation is bound to. */
function sameCommand(a: Command, b: Command): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)).map(([k, v]) => [k, canonical(v)])) : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The incident a command is about, for its timeline. */
async function incidentOf(command: Command, deps: ExecutorDeps): Promise<number | null> {
  switch (command.intent) {
    case 'incident.show':
    case 'incident.note':
    case 'incident.status':
    case 'incident.assign':
      return command.slots.incidentId;
    case 'alert.unack':
      return (await deps.alerts.alerts.byId(command.slots.alertId))?.incidentId ?? null;
    case 'alert.ack':
      if (command.slots.incidentId !== undefined) return command.slots.incidentId;
      return command.slots.alertId !== undefined ? ((await deps.alerts.alerts.byId(command.slots.alertId))?.incidentId ?? null) : null;
    case 'runbook.run':
      return command.slots.incidentId ?? null;
    default:
      return null;
  }
}

/**
 * ChatOps under one policy: parses a line, checks the permission of its intent, answers a
 * question at once, and answers a state change with a confirmation whose single-use,
 * short-lived token (bound to the asker and the parsed command) runs it on a second call.
 * Every command is audited and kept in the asker's history; a command about an incident
 * is also written on the incident's timeline with its answer.
 */
export class ChatService {
  readonly #deps: ChatServiceDeps;

  constructor(deps: ChatServiceDeps) {
    this.#deps = deps;
  }

  /** Parses a line against what `user` may see of the inventory (LiveInventory.indexFor). */
  async parse(user: Pick<ChatUser, 'role' | 'scopes'>, text: string, utcOffsetMinutes?: number): Promise<ParseResult> {
    const ref = { now: this.#deps.now(), ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}) };
    // The parser and its date grammar (chrono-node, ~4 MiB of heap) load with the first
    // chat message, not at start-up: a server nobody chats with does not hold them.
    const { parseCommand } = await (chatParser ??= import('../../../shared/chatops/parser.ts'));
    return parseCommand(text, await this.#deps.inventory.indexFor(inventoryVisibility(user)), ref);
  }

  /**
   * Counts one message of the user's, or refuses it (429 `E_RATE_LIMITED` with `Retry-After`)
   * before anything is parsed, audited or stored: every message is a history row and an
   * audit entry, and without a bound any signed-in user could grow the database at will.
   */
  #admit(user: ChatUser): void {
    const decision = this.#deps.limit?.take(user.key);
    if (!decision || decision.allowed) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
    throw Object.assign(
      new AppError('E_RATE_LIMITED', `Too many chat messages: at most ${this.#deps.settings.messagesPerMinute} a minute; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds }),
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  }

  /** A pending confirmation the user may still spend: answering it is not a new message (it was counted when asked). */
  #spendable(user: ChatUser, pending: PendingConfirmation | undefined): boolean {
    return pending !== undefined && pending.userKey === user.key && pending.usedAt === null && this.#deps.now() <= pending.expiresAt;
  }

  async handle(user: ChatUser, input: ChatInput): Promise<ChatCard> {
    if (input.confirm !== undefined) {
      if (!this.#spendable(user, await this.#deps.store.confirmation(input.confirm))) this.#admit(user);
    } else {
      this.#admit(user);
    }
    const read = await this.parse(user, input.text, input.utcOffsetMinutes);
    // ("cancel it": the run the conversation is about, before the question and again at its confirmation.)
    const parsed = read.intent === 'runbook.cancel' && read.slots.runId === undefined ? runInConversation(read, await this.#deps.store.history(user.key, CONVERSATION_LINES)) : read;
    if (input.confirm !== undefined) return this.confirm(user, input.confirm, { text: input.text, command: parsed });
    if (parsed.intent === 'unknown') {
      // An alternative the answer already says in full is not offered again below it.
      const card = errorCard('unknown', 'E_BAD_REQUEST', parsed.preview, parsed.alternatives.filter((a) => !parsed.preview.includes(a.text)));
      return this.#finish(user, input.text, parsed, card, 'failure', 'answer');
    }
    const command = parsed as Command;
    const missing = missingPermission(user, command);
    if (missing) {
      const card = errorCard(command.intent, 'E_FORBIDDEN', `Your role (${user.role}) cannot do this from chat: it needs the ${missing} permission. Type "help" for what you can ask.`);
      return this.#finish(user, input.text, command, card, 'denied', 'answer');
    }
    const executor = EXECUTORS[command.intent as Exclude<Command['intent'], 'unknown'>] as Executor<Command['intent']>;
    try {
      if (executor.kind === 'read') {
        const card = await executor.answer(command as never, user, this.#deps);
        return this.#finish(user, input.text, command, card, 'success', 'answer');
      }
      const preview = await executor.check(command as never, user, this.#deps);
      const now = this.#deps.now();
      const expiresAt = now + this.#deps.settings.confirmTtlSeconds * 1000;
      const token = await this.#deps.store.createConfirmation({ userKey: user.key, text: input.text, command, channel: user.channel, createdAt: now, expiresAt });
      const card: ChatCard = { kind: 'confirmation', intent: command.intent, title: 'Confirm', text: preview, token, expiresAt, requiredPermission: parsed.requiredPermission ?? 'chatops:use' };
      return await this.#finish(user, input.text, command, card, 'success', 'confirmation');
    } catch (error) {
      return this.#failed(user, input.text, command, error, 'answer');
    }
  }

  /**
   * Runs the command a confirmation card previewed. From the console the same text comes
   * back and must parse to the same command; Slack's buttons carry only the token.
   */
  async confirm(user: ChatUser, token: string, asked?: { text: string; command: ParseResult }): Promise<ChatCard> {
    const pending = await this.#deps.store.confirmation(token);
    // From the console, handle() counted the message already.
    if (!asked && !this.#spendable(user, pending)) this.#admit(user);
    const intent = asked?.command.intent ?? pending?.command.intent ?? 'unknown';
    const text = asked?.text ?? pending?.text ?? '';
    const refuse = (code: string, message: string, outcome: AuditOutcome) => this.#finish(user, text, pending?.command ?? null, errorCard(intent, code, message), outcome, 'confirmed');
    if (!pending) return refuse('E_TOKEN_INVALID', 'No such confirmation; ask again.', 'failure');
    if (pending.userKey !== user.key) return refuse('E_FORBIDDEN', 'This confirmation was given to someone else.', 'denied');
    if (pending.usedAt !== null) return refuse('E_CONFLICT', 'This confirmation has already been used.', 'failure');
    if (this.#deps.now() > pending.expiresAt) return refuse('E_TOKEN_INVALID', 'This confirmation has expired; ask again.', 'failure');
    if (asked && !sameCommand(asked.command as Command, pending.command)) {
      return refuse('E_CONFLICT', `This confirmation is for "${pending.text}", not for this text; ask again.`, 'failure');
    }
    const command = pending.command;
    // The role may have changed since the question.
    const missing = missingPermission(user, command);
    if (missing) return refuse('E_FORBIDDEN', `This needs the ${missing} permission.`, 'denied');
    const executor = EXECUTORS[command.intent as Exclude<Command['intent'], 'unknown'>] as Executor<Command['intent']>;
    const run = async () => {
      if (!(await this.#deps.store.spend(token, this.#deps.now()))) return refuse('E_CONFLICT', 'This confirmation has already been used.', 'failure');
      try {
        if (executor.kind !== 'change') throw new AppError('E_CONFLICT', 'Nothing to confirm for a question.');
        const card = await executor.execute(command as never, user, this.#deps);
        return await this.#finish(user, pending.text, command, card, 'success', 'confirmed');
      } catch (error) {
        return await this.#failed(user, pending.text, command, error, 'confirmed');
      }
    };
    // The token spent, the command's change, its entry, history and timeline line commit
    // together: a confirmation whose entry cannot be stored is neither spent nor done. A
    // runbook run starts its steps once the run store has committed, so it is left out
    // (spent, requested and audited one after another).
    if (command.intent === 'runbook.run') return run();
    return transaction(this.#deps.sql, run);
  }

  /** Cancels a pending confirmation of the user's (Slack's Cancel button): its token is spent unused. */
  async cancel(user: ChatUser, token: string): Promise<ChatCard> {
    const pending = await this.#deps.store.confirmation(token);
    if (!this.#spendable(user, pending)) this.#admit(user);
    if (!pending || pending.userKey !== user.key) return this.#finish(user, pending?.text ?? '', null, errorCard('unknown', 'E_TOKEN_INVALID', 'No such confirmation of yours.'), 'failure', 'cancelled');
    // The token spent and its entry commit together.
    return transaction(this.#deps.sql, async () => {
      const spent = await this.#deps.store.spend(token, this.#deps.now());
      const card: ChatCard = spent
        ? { kind: 'text', intent: pending.command.intent, title: 'Cancelled', text: `Not done: "${pending.text}".`, lines: [] }
        : errorCard(pending.command.intent, 'E_CONFLICT', 'This confirmation has already been used.');
      return this.#finish(user, pending.text, pending.command, card, spent ? 'success' : 'failure', 'cancelled');
    });
  }

  history(user: ChatUser): ReturnType<ChatStore['history']> {
    return this.#deps.store.history(user.key);
  }

  #failed(user: ChatUser, text: string, command: Command, error: unknown, stage: string): Promise<ChatCard> {
    if (!(error instanceof AppError)) throw error;
    return this.#finish(user, text, command, errorCard(command.intent, error.code, error.message), error.code === 'E_FORBIDDEN' ? 'denied' : 'failure', stage);
  }

  async #finish(user: ChatUser, text: string, command: Command | ParseResult | null, card: ChatCard, outcome: AuditOutcome, stage: string): Promise<ChatCard> {
    const now = this.#deps.now();
    const intent = command?.intent ?? card.intent;
    this.#deps.audit.record({
      actor: user.name,
      actorKind: user.kind,
      action: 'chat.command',
      target: `intent:${intent}`,
      outcome,
      ip: user.ip,
      details: { text, channel: user.channel, stage, answer: card.kind, ...(card.kind === 'error' ? { code: card.code } : {}), ...(command ? { slots: command.slots } : {}) },
    });
    await this.#deps.store.recordHistory({ ts: now, userKey: user.key, actor: user.name, channel: user.channel, text, intent, kind: card.kind, summary: `${card.title}: ${card.text}` }, this.#deps.settings.historyPerUser);
    // On the incident's timeline: what was asked and answered. A pending confirmation is not
    // news yet, and a refused command stays in the audit log: chat must not let someone
    // without the permission write on a timeline.
    if (command && intent !== 'unknown' && card.kind !== 'confirmation' && outcome !== 'denied') {
      const incidentId = await incidentOf(command as Command, this.#deps);
      if (incidentId !== null && (await this.#deps.alerts.incidents.byId(incidentId))) {
        await this.#deps.alerts.incidentService.record(incidentId, 'command', `Chat (${user.channel}): "${text}" → ${card.title}`, actorOfChat(user), {
          intent,
          stage,
          answer: { kind: card.kind, title: card.title, text: card.text },
        });
      }
    }
    return card;
  }
}
