/** Display helpers shared by the screens. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export const providerLabels = {
  microsoft: 'Microsoft 365',
  google: 'Google',
  exchange: 'Exchange',
  imap: 'Other mailbox (IMAP)',
} as const;

const statusLabels: Record<string, { label: string; color: string }> = {
  active: { label: 'Connected', color: 'green' },
  syncing: { label: 'Syncing', color: 'blue' },
  throttled: { label: 'Paused by the provider (throttled)', color: 'yellow' },
  needs_reconnect: { label: 'Needs reconnect', color: 'red' },
  failed: { label: 'Failed', color: 'red' },
  disabled: { label: 'Disabled', color: 'gray' },
};

export function accountStatus(status: string): { label: string; color: string } {
  return statusLabels[status] ?? { label: status, color: 'gray' };
}

/** Reason codes the sync engine stores (provider error kinds), in words a user can act on. */
const reasonTexts: Record<string, string> = {
  auth_revoked: 'Access was revoked or the password changed. Reconnect to resume syncing; nothing has been lost.',
  auth_expired: 'The connection expired. Reconnect to resume syncing; nothing has been lost.',
  token_expired: 'The connection expired. Reconnect to resume syncing; nothing has been lost.',
  consent_required: 'Your organisation requires an administrator to approve Tandem.',
  permission: 'The mailbox does not allow Tandem the access it needs.',
  unsupported_mailbox: 'Shared mailboxes, distribution lists and groups cannot be connected.',
  throttled: 'The provider asked Tandem to slow down; syncing resumes automatically.',
  transient: 'The provider was temporarily unavailable; Tandem will retry.',
  permanent: 'The provider refused the request.',
};

export function reasonText(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return reasonTexts[reason] ?? reason;
}
