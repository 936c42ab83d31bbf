import type { Static, TSchema } from 'typebox';

/**
 * A request/response channel: the renderer calls it through the preload bridge, main
 * answers through its one `handle()` wrapper. Both schemas are checked at run time in
 * main (the renderer is untrusted), and give the types on both sides.
 */
export interface InvokeChannel<Request extends TSchema = TSchema, Response extends TSchema = TSchema> {
  readonly kind: 'invoke';
  readonly request: Request;
  readonly response: Response;
}

/** A one-way channel from main to the renderer (pushed events, status changes). */
export interface EventChannel<Payload extends TSchema = TSchema> {
  readonly kind: 'event';
  readonly payload: Payload;
}

export function invoke<Request extends TSchema, Response extends TSchema>(request: Request, response: Response): InvokeChannel<Request, Response> {
  return { kind: 'invoke', request, response };
}

export function event<Payload extends TSchema>(payload: Payload): EventChannel<Payload> {
  return { kind: 'event', payload };
}

export type RequestOf<C> = C extends InvokeChannel<infer Request, TSchema> ? Static<Request> : never;
export type ResponseOf<C> = C extends InvokeChannel<TSchema, infer Response> ? Static<Response> : never;
export type PayloadOf<C> = C extends EventChannel<infer Payload> ? Static<Payload> : never;
