import { Value } from 'typebox/value';
import { AppError, type ErrorBody } from '../../../shared/errors.ts';
import { INVOKE_CHANNELS, type InvokeChannelName, type InvokeChannels } from '../../../shared/ipc/contract.ts';
import type { RequestOf, ResponseOf } from '../../../shared/ipc/define.ts';
import { ok, type IpcResult } from '../../../shared/ipc/result.ts';
import { toErrorBody } from '../errors.ts';
import type { SenderFrame } from './sender-policy.ts';

/** What a handler learns about its caller. */
export interface CallContext {
  /** webContents id of the calling window, to address events back to it. */
  senderId: number;
}

export type IpcHandler<Name extends InvokeChannelName> = (
  request: RequestOf<InvokeChannels[Name]>,
  context: CallContext,
) => Promise<ResponseOf<InvokeChannels[Name]>> | ResponseOf<InvokeChannels[Name]>;

/** A handler for every call channel of the contract; the compiler reports a missing one. */
export type IpcHandlers = { [Name in InvokeChannelName]: IpcHandler<Name> };

/** The part of Electron's IpcMainInvokeEvent the wrapper reads. */
export interface InvokeEvent {
  readonly senderFrame: SenderFrame | null;
  readonly sender: { readonly id: number };
}

/** The part of Electron's ipcMain the wrapper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

export interface HandleOptions {
  ipcMain: IpcMainLike;
  isTrustedSender: (frame: SenderFrame | null) => boolean;
  /** Told about refusals and handler failures (never about payload contents). */
  onProblem?: (channel: string, problem: string) => void;
}

const MAX_REPORTED_ERRORS = 5;

function refuse(code: 'E_FORBIDDEN' | 'E_VALIDATION', message: string, details?: unknown): IpcResult<never> {
  return { ok: false, ...new AppError(code, message, details).toBody() };
}

function failed(body: ErrorBody): IpcResult<never> {
  return { ok: false, ...body };
}

/**
 * The one way main answers the renderer: every channel goes through here, which refuses
 * callers other than the console's top-level frame, validates the payload against the
 * contract, validates the handler's answer too (a bug must not leak odd shapes), and
 * turns every outcome into an IpcResult that keeps the catalogue code.
 */
export function createHandle({ ipcMain, isTrustedSender, onProblem }: HandleOptions) {
  return function handle<Name extends InvokeChannelName>(name: Name, handler: IpcHandler<Name>): void {
    const channel = INVOKE_CHANNELS[name];
    ipcMain.handle(name, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) {
        onProblem?.(name, `refused a call from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        return refuse('E_FORBIDDEN', 'This window may not call the desktop host.');
      }
      const request = args[0];
      if (args.length > 1 || !Value.Check(channel.request, request)) {
        const errors = args.length > 1 ? [{ path: '', message: 'expected at most one argument' }] : Value.Errors(channel.request, request)
          .slice(0, MAX_REPORTED_ERRORS)
          .map((error) => ({ path: error.instancePath, message: error.message }));
        onProblem?.(name, 'refused a malformed request');
        return refuse('E_VALIDATION', `Malformed request for ${name}.`, errors);
      }
      try {
        const value = await handler(request as RequestOf<InvokeChannels[Name]>, { senderId: event.sender.id });
        if (!Value.Check(channel.response, value)) {
          onProblem?.(name, 'handler answered outside the contract');
          return failed(new AppError('E_INTERNAL').toBody());
        }
        return ok(value);
      } catch (error) {
        if (!(error instanceof AppError)) onProblem?.(name, `handler failed: ${(error as Error)?.stack ?? String(error)}`);
        return failed(toErrorBody(error));
      }
    });
  };
}

/** Registers every handler of the contract through `handle`. */
export function registerHandlers(handle: ReturnType<typeof createHandle>, handlers: IpcHandlers): void {
  for (const name of Object.keys(INVOKE_CHANNELS) as InvokeChannelName[]) {
    handle(name, handlers[name] as IpcHandler<typeof name>);
  }
}
