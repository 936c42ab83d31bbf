/**
 * The one error catalogue of the product. Every error that crosses a process boundary
 * (HTTP, IPC, worker messages) carries one of these stable codes, so that clients can
 * react to a code rather than parse a message. The HTTP status is part of the contract.
 */
export const ERROR_CATALOGUE = {
  E_BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  E_VALIDATION: { status: 400, message: 'The request does not match the expected schema.' },
  E_AUTH_REQUIRED: { status: 401, message: 'Authentication is required.' },
  E_AUTH_INVALID: { status: 401, message: 'Invalid username or password.' },
  E_AUTH_EXPIRED: { status: 401, message: 'The access token has expired.' },
  E_TOKEN_INVALID: { status: 401, message: 'The token is invalid or has been revoked.' },
  E_PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'The password must be changed before continuing.' },
  E_FORBIDDEN: { status: 403, message: 'You do not have permission to do this.' },
  E_NOT_FOUND: { status: 404, message: 'Not found.' },
  E_CONFLICT: { status: 409, message: 'The request conflicts with the current state.' },
  E_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  E_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type.' },
  E_RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  E_LOCKED_OUT: { status: 429, message: 'Too many failed attempts; try again later.' },
  E_INTERNAL: { status: 500, message: 'Internal error.' },
  E_UNAVAILABLE: { status: 503, message: 'The service is not ready.' },
  E_STORAGE_FULL: { status: 507, message: 'The server is out of storage space; writes are refused until space is freed.' },
  E_NETWORK: { status: 503, message: 'The server cannot be reached.' },
  E_TIMEOUT: { status: 504, message: 'The operation timed out.' },
  E_CANCELLED: { status: 499, message: 'The operation was cancelled.' },
  E_WORKER_FAILED: { status: 500, message: 'A background worker failed.' },
  E_CAPSULE_INVALID: { status: 400, message: 'The file is not a valid incident capsule.' },
  E_KEYCHAIN_UNAVAILABLE: { status: 503, message: 'No secure credential storage is available.' },
  /** A Prometheus-compatible data source failed (unreachable, refused our credentials, TLS); details.kind says how. */
  E_DATASOURCE: { status: 502, message: 'The data source failed to answer.' },
  /** The data source could not execute the query (Prometheus 422). */
  E_QUERY_FAILED: { status: 422, message: 'The data source could not execute the query.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The JSON body of every error response: `{error: {code, message, details?}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** An error with a catalogue code; thrown anywhere, rendered the same way everywhere. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }

  /** Rebuilds an AppError from a body received over HTTP, IPC or a worker message. */
  static fromBody(body: unknown): AppError | undefined {
    const error = (body as ErrorBody | undefined)?.error;
    if (!error || !isErrorCode(error.code)) return undefined;
    return new AppError(error.code, typeof error.message === 'string' ? error.message : undefined, error.details);
  }
}
