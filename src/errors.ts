/**
 * The one error type of the application. Codes are stable snake_case identifiers that API clients may rely on;
 * `message` is Czech for people, `logMessage` English for logs. The mapping to HTTP lives in `api/errors.ts`.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, description: 'The request is malformed: a parameter or the body cannot be read.' },
  unreadable_input: { status: 400, description: 'The uploaded file cannot be read at all (wrong format, broken encoding); nothing was stored.' },
  unauthorized: { status: 401, description: 'A bearer token is missing, unknown or revoked.' },
  forbidden: { status: 403, description: 'The token belongs to another organisation.' },
  not_found: { status: 404, description: 'No such organisation, record or version.' },
  conflict: { status: 409, description: 'The request conflicts with the current state (e.g. the organisation already exists).' },
  payload_too_large: { status: 413, description: 'The request body exceeds the size limit.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not one of the accepted formats.' },
  validation_failed: { status: 422, description: 'Input was read but does not conform; the body lists every problem.' },
  atomic_rejected: { status: 422, description: 'With atomic=true at least one record was rejected, so nothing was stored.' },
  internal_error: { status: 500, description: 'An unexpected error; it has been logged.' },
  service_unavailable: { status: 503, description: 'The database is not reachable.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Czech, for people. */
  readonly userMessage: string;
  readonly details: unknown;

  constructor(code: ErrorCode, userMessage: string, logMessage?: string, details?: unknown) {
    super(logMessage ?? userMessage);
    this.name = 'AppError';
    this.code = code;
    this.userMessage = userMessage;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
