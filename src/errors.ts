/**
 * The one error type of the application. Codes are stable snake_case identifiers that API clients may rely on;
 * `message` is Czech for people, `logMessage` English for logs. The mapping to HTTP lives in `api/errors.ts`.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, description: 'The request is malformed: a parameter or the body cannot be read.', cs: 'Požadavek nelze přečíst: chybný parametr nebo tělo.' },
  unreadable_input: { status: 400, description: 'The uploaded file cannot be read at all (wrong format, broken encoding); nothing was stored.', cs: 'Nahraný soubor nelze vůbec přečíst (špatný formát, rozbité kódování); nic se neuložilo.' },
  unauthorized: { status: 401, description: 'A bearer token is missing, unknown or revoked.', cs: 'Chybí token, je neznámý nebo zrušený.' },
  forbidden: { status: 403, description: 'The token belongs to another organisation.', cs: 'Token patří jiné organizaci.' },
  not_found: { status: 404, description: 'No such organisation, record or version.', cs: 'Taková organizace, záznam nebo verze neexistuje.' },
  conflict: { status: 409, description: 'The request conflicts with the current state (e.g. the organisation already exists).', cs: 'Požadavek je v rozporu se současným stavem (např. organizace už existuje).' },
  payload_too_large: { status: 413, description: 'The request body exceeds the size limit.', cs: 'Tělo požadavku překračuje limit velikosti.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not one of the accepted formats.', cs: 'Content-Type není mezi podporovanými formáty.' },
  validation_failed: { status: 422, description: 'Input was read but does not conform; the body lists every problem.', cs: 'Vstup se přečetl, ale neodpovídá standardu; tělo odpovědi vypisuje všechny problémy.' },
  atomic_rejected: { status: 422, description: 'With atomic=true at least one record was rejected, so nothing was stored.', cs: 'S atomic=true byl alespoň jeden záznam odmítnut, takže se neuložilo nic.' },
  rate_limited: { status: 429, description: 'Too many requests from this client; wait the number of seconds in Retry-After.', cs: 'Příliš mnoho požadavků od tohoto klienta; počkejte počet sekund z hlavičky Retry-After.' },
  internal_error: { status: 500, description: 'An unexpected error; it has been logged.', cs: 'Neočekávaná chyba; byla zaznamenána.' },
  service_unavailable: { status: 503, description: 'The database is not reachable.', cs: 'Databáze není dostupná.' },
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
