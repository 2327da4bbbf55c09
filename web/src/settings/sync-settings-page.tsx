/**
 * User Settings → Sync: what to sync, calendar privacy, which provider. Save runs the provider's flow:
 * Microsoft 365 and Google redirect to their sign-in (MFA happens there); Exchange and other IMAP
 * mailboxes take the form's credentials; an admin-consent answer shows the link for the administrator.
 */
import { Button, Card, Checkbox, Fieldset, Loader, NativeSelect, Radio, Stack, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiRequestError } from '../api/client';
import { providerSchema, type NextStep, type Provider, type SyncSettings } from '../api/schemas';
import { useSearch } from '../router';
import { errorFor, ErrorAlert } from '../ui/errors';
import { providerLabels } from '../ui/format';
import { CalendarShares } from './calendar-shares';
import { ConnectedAccount, ExpiryBanner } from './connected-account';
import { ExchangeFields, emptyExchange, type ExchangeInput } from './exchange-fields';
import { ImapFields } from './imap-fields';
import { checkImap, emptyImap, isUntouched, toImapBody, type ImapInput } from './imap-form';
import { AdminConsentNotice, NextStepNotice } from './next-step-notice';
import { RelaySending } from './relay-sending';
import { useSaveSyncSettings, useSyncSettings, type SyncSettingsInput } from './sync-api';

export interface SyncSettingsPageProps {
  /** Follows the provider's sign-in URL; injected in tests. */
  redirect?: (url: string) => void;
}

/** "Other via SMTP" is no mailbox at all: mail goes out through the company relay, nothing is synced. */
const RELAY = 'smtp';
type ProviderChoice = Provider | typeof RELAY | null;

/** The menu names the IMAP choice by what the user has ("another mailbox"), not by the protocol alone. */
const menuLabels: Record<Provider, string> = { ...providerLabels, imap: 'Other mailbox (IMAP)' };

const providerOptions = [
  { value: '', label: 'None' },
  ...providerSchema.options.map((value) => ({ value, label: menuLabels[value] })),
  { value: RELAY, label: 'Other via SMTP' },
];

export function SyncSettingsPage({ redirect = (url) => window.location.assign(url) }: SyncSettingsPageProps) {
  const settings = useSyncSettings();
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        User Settings → Sync
      </Title>
      <ReturnNotice />
      {settings.isPending && <Loader aria-label="Loading settings" />}
      <ErrorAlert error={settings.error} title="Could not load your sync settings" />
      {settings.data && <SyncSettingsForm initial={settings.data} redirect={redirect} />}
    </Stack>
  );
}

/** The OAuth callback lands back here; it may carry why the connection failed. */
function ReturnNotice() {
  const params = new URLSearchParams(useSearch());
  const code = params.get('error');
  if (!code) return null;
  const message = params.get('message') ?? code;
  const consentUrl = params.get('adminConsentUrl');
  return <NextStepNotice step={{ type: 'error', code, message, adminConsentUrl: consentUrl }} />;
}

function SyncSettingsForm({ initial, redirect }: { initial: SyncSettings; redirect: (url: string) => void }) {
  const save = useSaveSyncSettings();
  const [form, setForm] = useState<{ syncEmail: boolean; syncCalendar: boolean; syncCaptureFolder: boolean; calendarPrivacy: SyncSettings['calendarPrivacy']; provider: ProviderChoice }>({
    syncEmail: initial.syncEmail,
    syncCalendar: initial.syncCalendar,
    syncCaptureFolder: initial.syncCaptureFolder,
    calendarPrivacy: initial.calendarPrivacy,
    provider: initial.provider,
  });
  const viaRelay = form.provider === RELAY;
  const [exchange, setExchange] = useState<ExchangeInput>(emptyExchange);
  const [imap, setImap] = useState<ImapInput>(emptyImap);
  /** Field problems found before sending (nothing is sent while there are any). */
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [step, setStep] = useState<NextStep | null>(null);
  const error = errorFor(save.error);
  const thrownConsentUrl = save.error instanceof ApiRequestError ? save.error.details['adminConsentUrl'] : undefined;

  function onNextStep(next: NextStep) {
    if (next.type === 'redirect') {
      redirect(next.url);
      return;
    }
    setStep(next);
    // Connected: the password is stored sealed on the server; it need not linger in the page.
    if (next.type === 'done') setImap(emptyImap);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setStep(null);
    // Via the relay nothing is synced: saving clears the boxes (and disconnects a mailbox, as the panel says).
    const input: SyncSettingsInput =
      form.provider === RELAY
        ? { syncEmail: false, syncCalendar: false, syncCaptureFolder: false, calendarPrivacy: form.calendarPrivacy, provider: null }
        : { ...form, provider: form.provider };
    if (form.provider === 'imap' && !(initial.provider === 'imap' && isUntouched(imap))) {
      const problems = checkImap(imap);
      setLocalErrors(problems);
      if (Object.keys(problems).length > 0) return;
      input.imap = toImapBody(imap);
    }
    if (form.provider === 'exchange') {
      input.exchange = { email: exchange.email.trim(), username: exchange.username.trim(), password: exchange.password };
      if (exchange.ewsUrl.trim()) input.exchange.ewsUrl = exchange.ewsUrl.trim();
    }
    save.mutate(input, { onSuccess: onNextStep });
  }

  const check = (key: 'syncEmail' | 'syncCalendar' | 'syncCaptureFolder', label: string, description: string) => (
    <Checkbox
      label={label}
      description={description}
      checked={form[key] && !viaRelay}
      disabled={viaRelay}
      onChange={(e) => setForm({ ...form, [key]: e.currentTarget.checked })}
    />
  );

  return (
    <Stack>
      {initial.account && <ExpiryBanner account={initial.account} />}
      <NextStepNotice step={step} />
      {typeof thrownConsentUrl === 'string' && error && <AdminConsentNotice message={error.message} url={thrownConsentUrl} />}
      {error && typeof thrownConsentUrl !== 'string' && (
        <ErrorAlert error={save.error} title={error.hasFields ? 'Please correct the highlighted fields' : 'Could not save'} />
      )}
      {initial.account && <ConnectedAccount account={initial.account} onNextStep={onNextStep} />}
      <Card withBorder component="form" onSubmit={submit} aria-label="Sync settings" noValidate>
        <Stack>
          {/* Not Checkbox.Group: inside one, Mantine takes each box's checked state from the group's value list, so these three independent switches would never tick. */}
          <Fieldset legend="Sync" variant="unstyled">
            <Stack gap="xs" mt="xs">
              {check('syncEmail', 'Sync Email', 'Send mail from Tandem through your own mailbox.')}
              {check('syncCalendar', 'Sync Calendar', 'Keep Tandem appointments and your calendar in step, both ways.')}
              {check('syncCaptureFolder', 'Sync Tandem Folder', 'Mail you move into the "Tandem" folder is filed on the matching contacts.')}
            </Stack>
          </Fieldset>
          <Radio.Group
            label="Calendar Privacy"
            description="Public: everyone in your company sees your appointments. Private: only the people below; others see Private blocks."
            value={form.calendarPrivacy}
            onChange={(v) => setForm({ ...form, calendarPrivacy: v === 'private' ? 'private' : 'public' })}
          >
            <Stack gap="xs" mt="xs">
              <Radio value="public" label="Public" />
              <Radio value="private" label="Private" />
            </Stack>
          </Radio.Group>
          {form.calendarPrivacy === 'private' && <CalendarShares />}
          <NativeSelect
            label="Provider"
            value={form.provider ?? ''}
            data={providerOptions}
            onChange={(e) => {
              const value = e.currentTarget.value;
              const parsed = providerSchema.safeParse(value);
              setForm({ ...form, provider: value === RELAY ? RELAY : parsed.success ? parsed.data : null });
            }}
            error={error?.field('provider')}
          />
          {form.provider === 'exchange' && <ExchangeFields value={exchange} onChange={setExchange} error={error} />}
          {form.provider === 'imap' && (
            <ImapFields
              value={imap}
              onChange={setImap}
              fieldError={(name) => localErrors[name] ?? error?.field(name)}
              refusal={step?.type === 'error' ? step.code : null}
              connected={initial.provider === 'imap' && initial.account !== null}
            />
          )}
          {viaRelay && <RelaySending />}
          <Button type="submit" loading={save.isPending} w="fit-content">
            Save
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}
