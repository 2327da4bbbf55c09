/** Turns whatever a query or mutation threw into what a form shows: one message, and messages per field. */
import { Alert } from '@mantine/core';
import { ApiRequestError } from '../api/client';

export interface ShownError {
  code: string;
  message: string;
  hasFields: boolean;
  field(name: string): string | undefined;
}

export function errorFor(error: unknown): ShownError | null {
  if (!error) return null;
  if (error instanceof ApiRequestError) {
    return { code: error.code, message: error.message, hasFields: error.fields.length > 0, field: (name) => error.fieldMessage(name) };
  }
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return { code: 'client_error', message: `Could not reach Tandem: ${message}`, hasFields: false, field: () => undefined };
}

/** An alert for a failed request; field errors are shown by the fields themselves, so only the summary here. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const shown = errorFor(error);
  if (!shown) return null;
  return (
    <Alert color="red" role="alert" title={title ?? 'Something went wrong'}>
      {shown.message}
    </Alert>
  );
}
