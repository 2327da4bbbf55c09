/**
 * User Settings → Sync: what to sync, calendar privacy, which provider. Save runs the provider's flow:
 * Microsoft 365 and Google redirect to their sign-in (MFA happens there); Exchange takes the form's
 * credentials; an admin-consent answer shows the link for the administrator.
 */
import { Button, Card, Checkbox, Fieldset, Loader, NativeSelect, Radio, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ApiRequestError } from '../api/client';
import { providerSchema, type NextStep, type SyncSettings } from '../api/schemas';
import { useSearch } from '../router';
import { errorFor, ErrorAlert } from '../ui/errors';
import { providerLabels } from '../ui/format';
import { CalendarShares } from './calendar-shares';
import { ConnectedAccount, ExpiryBanner } from './connected-account';
import { ExchangeFields, emptyExchange, type ExchangeInput } from './exchange-fields';
import { AdminConsentNotice, NextStepNotice } from './next-step-notice';
import { useSaveSyncSettings, useSyncSettings, type SyncSettingsInput } from './sync-api';

export interface SyncSettingsPageProps {
  /** Follows the provider's sign-in URL; injected in tests. */
  redirect?: (url: string) => void;
}

const providerOptions = [
  { value: '', label: 'None' },
  ...providerSchema.options.map((value) => ({ value, label: providerLabels[value] })),
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
  const [form, setForm] = useState({
    syncEmail: initial.syncEmail,
    syncCalendar: initial.syncCalendar,
    syncCaptureFolder: initial.syncCaptureFolder,
    calendarPrivacy: initial.calendarPrivacy,
    provider: initial.provider,
  });
  const [exchange, setExchange] = useState<ExchangeInput>(emptyExchange);
  const [step, setStep] = useState<NextStep | null>(null);
  const error = errorFor(save.error);
  const thrownConsentUrl = save.error instanceof ApiRequestError ? save.error.details['adminConsentUrl'] : undefined;

  function onNextStep(next: NextStep) {
    if (next.type === 'redirect') redirect(next.url);
    else setStep(next);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setStep(null);
    const input: SyncSettingsInput = { ...form };
    if (form.provider === 'exchange') {
      input.exchange = { email: exchange.email.trim(), username: exchange.username.trim(), password: exchange.password };
      if (exchange.ewsUrl.trim()) input.exchange.ewsUrl = exchange.ewsUrl.trim();
    }
    save.mutate(input, { onSuccess: onNextStep });
  }

  const check = (key: 'syncEmail' | 'syncCalendar' | 'syncCaptureFolder', label: string, description: string) => (
    <Checkbox label={label} description={description} checked={form[key]} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.checked })} />
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
              const parsed = providerSchema.safeParse(e.currentTarget.value);
              setForm({ ...form, provider: parsed.success ? parsed.data : null });
            }}
            error={error?.field('provider')}
          />
          {form.provider === 'exchange' && <ExchangeFields value={exchange} onChange={setExchange} error={error} />}
          {form.provider === 'imap' && (
            <Text size="sm" c="dimmed">
              Other providers send through your company&apos;s SMTP relay, which an administrator sets up under Email domains.
            </Text>
          )}
          <Button type="submit" loading={save.isPending} w="fit-content">
            Save
          </Button>
        </Stack>
      </Card>
    </Stack>
  );
}
