import { queryString, type Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';

/**
 * A plain fetch transport with a bearer token, for tests and benchmarks under Node (the
 * app uses main's authenticated client). Unreachable server: E_NETWORK, like main's.
 */
export function fetchTransport(baseUrl: string, getToken: () => Promise<string> | string): Transport {
  return async (request) => {
    let response: Response;
    try {
      response = await fetch(new URL(request.path + queryString(request.query), baseUrl), {
        method: request.method,
        headers: { authorization: `Bearer ${await getToken()}`, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch (error) {
      throw new AppError('E_NETWORK', undefined, { cause: describe(error) });
    }
    let body: unknown;
    try {
      body = response.status === 204 ? null : await response.json();
    } catch (error) {
      // The connection died while the body was still arriving.
      throw new AppError('E_NETWORK', undefined, { cause: describe(error) });
    }
    if (!response.ok) throw AppError.fromBody(body) ?? new AppError('E_INTERNAL', `HTTP ${response.status}`);
    return body;
  };
}

/** fetch's own message is just "fetch failed"; the socket error underneath says why. */
function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4; current = current.cause) messages.push(current.message);
  return messages.join(': ') || String(error);
}
