import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { slackRoutes as routes } from '../../../../shared/api/chatops.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { ServerContext } from '../../context.ts';
import { registerRoutes } from '../../http/register-route.ts';
import { hasEncodedNul, nulRefusal } from '../../http/nul-characters.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { ChatOpsFeature } from '../feature.ts';
import { CANCEL_ACTION, cardToSlack, CONFIRM_ACTION, type SlackMessage } from './blocks.ts';
import { resolveChatUser, type ChatIdentity } from './identity.ts';
import { ReplayGuard, verifySlackSignature } from './signature.ts';
import { RefusalThrottle } from '../../audit/refusal-throttle.ts';
import { slackPlainText } from './text.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The form body exactly as received: Slack signs these bytes. */
    slackRawBody?: string;
  }
}

/** Slack's forms are small; anything larger is not Slack. */
const FORM_LIMIT_BYTES = 64 * 1024;

/** The fields of an interaction payload we read, each a string or absent. */
interface ActionPayload {
  teamId: string;
  chatUserId: string;
  chatUserName: string;
  actionId: string;
  value: string;
}

/**
 * Reads an interaction's JSON payload, taking only string fields where Slack sends strings:
 * signed is not well-formed (a `null` payload or a user id that is an object ended as 500,
 * the id reaching SQLite as a value it cannot bind).
 */
function actionPayloadOf(json: string | undefined): ActionPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? '');
  } catch {
    throw new AppError('E_VALIDATION', 'The interaction has no JSON payload.');
  }
  const object = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const payload = object(parsed);
  const user = object(payload.user);
  const actions = payload.actions;
  const action = object(Array.isArray(actions) ? actions[0] : undefined);
  return {
    teamId: text(object(payload.team).id) || text(user.team_id),
    chatUserId: text(user.id),
    chatUserName: text(user.username) || text(user.name),
    actionId: text(action.action_id),
    value: text(action.value),
  };
}

/**
 * The Slack (and Mattermost, in Slack-compatible signing) endpoints: the slash command and
 * the interactive buttons. Requests are authenticated by their signature, not a bearer
 * token; the form parser lives in this plugin only, so no other route accepts forms.
 */
export const slackPlugin: FastifyPluginAsync<{ ctx: ServerContext; feature: ChatOpsFeature; users: Pick<UserRepository, 'byId' | 'byUsername'> }> = async (app, { ctx, feature, users }) => {
  const { settings, service, store } = feature;
  const replays = new ReplayGuard(ctx.sql, settings.slackMaxAgeSeconds);
  const refusals = new RefusalThrottle();

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES }, (request, body, done) => {
    // A NUL is refused in every request's text (http/nul-characters.ts): PostgreSQL cannot store one.
    if (hasEncodedNul(body as string)) {
      done(nulRefusal('the form body', 'form'), undefined);
      return;
    }
    request.slackRawBody = body as string;
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  /** Refuses anything not signed by Slack with our secret, stale, or seen before. */
  const verify = async (request: FastifyRequest): Promise<void> => {
    const secret = settings.slackSigningSecret;
    // Without a secret the integration does not exist here: a 404, not a server fault.
    if (!secret) throw new AppError('E_NOT_FOUND', 'The Slack integration is not configured (SMARTCLOUDOPS_SLACK_SIGNING_SECRET).');
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const signature = header('x-slack-signature');
    const check = verifySlackSignature(secret, { timestamp: header('x-slack-request-timestamp'), signature, rawBody: request.slackRawBody ?? '' }, ctx.now(), settings.slackMaxAgeSeconds);
    const refused = !check.ok ? check.reason : !(await replays.firstUse(signature!, ctx.now())) ? 'replayed' : null;
    if (refused) {
      // Anyone can send these: a few a minute per address are audited, the rest counted (refusal-throttle.ts).
      const audited = refusals.take(request.ip, ctx.now());
      if (audited) {
        const details = { reason: refused, ...(audited.notAudited > 0 ? { notAudited: audited.notAudited } : {}) };
        ctx.audit.record({ actor: null, actorKind: 'anonymous', action: 'slack.request.refused', target: request.url, outcome: 'denied', ip: request.ip, details });
      }
      throw new AppError('E_TOKEN_INVALID', refused === 'stale' ? `The Slack request timestamp is too old, or in the future: more than ${settings.slackMaxAgeSeconds} s from the server's clock.` : refused === 'replayed' ? 'This Slack request was already received.' : 'The Slack signature is invalid.');
    }
  };

  // Any workspace member not linked here sends these at will (the chat rate limit counts linked users).
  const unlinked = new RefusalThrottle();
  const notLinked = (identity: ChatIdentity): SlackMessage => {
    // A few a minute per chat user are audited, the rest counted into the next entry (refusal-throttle.ts).
    const audited = unlinked.take(`${identity.teamId}:${identity.chatUserId}`, ctx.now());
    if (audited) {
      const details = { teamId: identity.teamId, ...(audited.notAudited > 0 ? { notAudited: audited.notAudited } : {}) };
      ctx.audit.record({ actor: `slack:${identity.chatUserId}`, actorKind: 'anonymous', action: 'chat.command', target: 'unmapped', outcome: 'denied', details });
    }
    return { response_type: 'ephemeral', text: 'Not linked', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Your chat account (${identity.chatUserId}) is not linked to a SmartCloudOps user; ask an admin to map it.` } }] };
  };

  /**
   * The user's chat rate limit (ChatService), said in Slack as an ephemeral answer: a 429
   * would show only "http_client_error" there. The message was not run, audited or stored.
   */
  const limited = async (answer: () => Promise<SlackMessage>): Promise<SlackMessage> => {
    try {
      return await answer();
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'E_RATE_LIMITED') throw error;
      return { response_type: 'ephemeral', text: 'Too many messages', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: error.message } }] };
    }
  };

  registerRoutes(app, routes, {
    command: async (request) => {
      await verify(request);
      const form = request.body;
      const identity = { teamId: form.team_id ?? '', chatUserId: form.user_id ?? '', chatUserName: form.user_name ?? '' };
      if (!identity.chatUserId) throw new AppError('E_VALIDATION', 'The command has no user_id.');
      const user = await resolveChatUser(identity, request.ip, store, users, settings.unmapped);
      if (!user) return notLinked(identity);
      const text = slackPlainText(form.text ?? '', settings.slackBotUserId).trim().slice(0, 2000) || 'help';
      return limited(async () => ({ ...cardToSlack(await service.handle(user, { text })) }));
    },

    actions: async (request) => {
      await verify(request);
      const { teamId, chatUserId, chatUserName, actionId, value } = actionPayloadOf(request.body.payload);
      const identity = { teamId, chatUserId, chatUserName };
      if (!value || !chatUserId) throw new AppError('E_VALIDATION', 'The interaction names no user or action.');
      const user = await resolveChatUser(identity, request.ip, store, users, settings.unmapped);
      if (!user) return notLinked(identity);
      if (actionId === CANCEL_ACTION) return limited(async () => ({ replace_original: true, ...cardToSlack(await service.cancel(user, value)) }));
      if (actionId !== CONFIRM_ACTION) throw new AppError('E_VALIDATION', `Unknown action ${actionId}.`);
      return limited(async () => ({ replace_original: true, ...cardToSlack(await service.confirm(user, value)) }));
    },
  });
};
