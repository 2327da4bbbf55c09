/**
 * The API's one error catalogue: each code is tied to one HTTP status and one default message.
 * Every error answer is `{ "error": { "code", "message", "fields"? } }`.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, message: 'Some fields are missing or invalid.' },
  bad_request: { status: 400, message: 'The request could not be understood.' },
  invalid_credentials: { status: 401, message: 'The email address or password is not correct.' },
  unauthenticated: { status: 401, message: 'Sign in first.' },
  csrf_failed: { status: 403, message: 'The request is missing its CSRF token; reload the page and try again.' },
  forbidden: { status: 403, message: 'You are not allowed to do that.' },
  not_found: { status: 404, message: 'Not found.' },
  read_only: { status: 409, message: 'This appointment was made in the provider and is read-only in Tandem.' },
  recurring_not_supported: {
    status: 409,
    message: 'Tandem does not create recurring series; create the series in Outlook or Google Calendar and it will appear here.',
  },
  conflict: { status: 409, message: 'The item was changed by someone else.' },
  mailbox_in_use: { status: 409, message: 'This mailbox is already connected by another Tandem user (one Tandem user per mailbox).' },
  unsupported_mailbox: { status: 422, message: 'Shared mailboxes, distribution lists and groups cannot be connected.' },
  not_connected: { status: 409, message: 'No mailbox is connected for sending; connect one in User Settings → Sync, or ask an administrator to set up the SMTP relay.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  too_many_attempts: { status: 429, message: 'Too many failed sign-ins; wait a moment and try again.' },
  provider_error: { status: 502, message: 'The mail provider refused the request.' },
  internal: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof errorCatalogue;

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly fields: FieldError[] | undefined;
  readonly extra: Record<string, string> | undefined;

  constructor(code: ApiErrorCode, message?: string, options: { fields?: FieldError[]; extra?: Record<string, string> } = {}) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fields = options.fields;
    this.extra = options.extra;
  }

  toBody(): { error: { code: ApiErrorCode; message: string; fields?: FieldError[] } & Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.extra ?? {}),
      },
    };
  }
}

export const notFound = (): ApiError => new ApiError('not_found');
