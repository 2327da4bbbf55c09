/**
 * "Other mailbox (IMAP)" — every host with IMAP + SMTP (and CalDAV for the calendar). Picking a host, or
 * typing an address at one, fills the servers from the server's presets; every field stays editable.
 * Save proves the login on the real server before anything is stored (the API does); a refusal
 * keeps what was typed and points at the field to check.
 */
import { Anchor, Button, Fieldset, Group, NativeSelect, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { applyPreset, withEmail, withSecurity, type ImapInput, type Security } from './imap-form';
import { useImapPresets, type ImapPreset } from './imap-presets';

export interface ImapFieldsProps {
  value: ImapInput;
  onChange: (v: ImapInput) => void;
  /** The message for a field, keyed like the API's paths (`imap.imap.port`). */
  fieldError: (name: string) => string | undefined;
  /** The code of the last connect refusal, to point at the fields it concerns. */
  refusal: string | null;
  /** An IMAP mailbox is connected already: empty fields keep its settings. */
  connected: boolean;
}

const securityOptions: { value: Security; label: string }[] = [
  { value: 'tls', label: 'SSL/TLS' },
  { value: 'starttls', label: 'STARTTLS' },
];

type HintedField = 'password' | 'imap' | 'smtp' | 'caldavUrl';

/**
 * Where each connect refusal points (codes from the API's connect step, one per server and reason):
 * the password, the server's host row, or the CalDAV URL. The API's message says the same in the
 * notice above the form.
 */
const refusalHints: Record<string, { field: HintedField; hint: string }> = {
  invalid_credentials: { field: 'password', hint: 'Not accepted by the mail server: check the username and the (app) password.' },
  smtp_invalid_credentials: { field: 'password', hint: 'Not accepted by the outgoing (SMTP) server: check the username and the (app) password.' },
  caldav_invalid_credentials: { field: 'password', hint: 'Not accepted by the calendar (CalDAV) server: check the username and the (app) password.' },
  // An unreachable server is most often a mistyped name, a wrong port or the other encryption.
  provider_unavailable: { field: 'imap', hint: 'Tandem could not reach this server: check its name, port and encryption.' },
  imap_tls_failed: { field: 'imap', hint: 'The secure connection failed: check the port and the encryption.' },
  smtp_unreachable: { field: 'smtp', hint: 'Tandem could not reach this server: check its name, port and encryption.' },
  smtp_tls_failed: { field: 'smtp', hint: 'The secure connection failed: check the port and the encryption.' },
  smtp_refused: { field: 'smtp', hint: 'This server refused the connection: check its name and port.' },
  caldav_unreachable: { field: 'caldavUrl', hint: 'Tandem could not reach this address: check it, or leave it empty to sync mail only.' },
  caldav_tls_failed: { field: 'caldavUrl', hint: 'The secure (https) connection failed: check the address.' },
  caldav_no_calendar: { field: 'caldavUrl', hint: 'No calendar found for this account: create one at your host, or enter the calendar’s own URL.' },
  caldav_refused: { field: 'caldavUrl', hint: 'This address did not answer as a CalDAV server: check it, or leave it empty to sync mail only.' },
  caldav_not_found: { field: 'caldavUrl', hint: 'No calendar server found for your address: enter your host’s CalDAV URL, or turn off Sync Calendar.' },
  caldav_elsewhere: { field: 'caldavUrl', hint: 'Your domain names a calendar server at another domain (see above): enter it here if it is your host.' },
};

export function refusalHint(refusal: string | null, field: HintedField): string | undefined {
  const found = refusal ? refusalHints[refusal] : undefined;
  return found?.field === field ? found.hint : undefined;
}

function ServerFields({ which, value, onChange, fieldError, hostHint }: { which: 'imap' | 'smtp'; value: ImapInput; onChange: (v: ImapInput) => void; fieldError: (name: string) => string | undefined; hostHint?: string | undefined }) {
  const label = which.toUpperCase();
  const server = value[which];
  const set = (key: 'host' | 'port') => (e: { currentTarget: { value: string } }) => onChange({ ...value, [which]: { ...server, [key]: e.currentTarget.value } });
  const hostError = fieldError(`imap.${which}.host`) ?? hostHint;
  const portError = fieldError(`imap.${which}.port`);
  return (
    <Group align="flex-start" grow wrap="wrap">
      <TextInput label={`${label} server`} required value={server.host} onChange={set('host')} error={hostError} style={{ flexGrow: 3 }} autoComplete="off" spellCheck={false} />
      <TextInput label={`${label} port`} required inputMode="numeric" value={server.port} onChange={set('port')} error={portError} maw={110} />
      <NativeSelect
        label={`${label} encryption`}
        value={server.security}
        data={securityOptions}
        onChange={(e) => onChange(withSecurity(value, which, e.currentTarget.value === 'starttls' ? 'starttls' : 'tls'))}
        maw={150}
      />
    </Group>
  );
}

function appPasswordHelp(preset: ImapPreset | undefined): ReactNode {
  if (!preset) {
    return 'With two-step verification on, most hosts refuse your usual password here: create an app password for Tandem in your account’s security settings and use that.';
  }
  return (
    <>
      {preset.appPasswordNote}{' '}
      <Anchor href={preset.appPasswordUrl} target="_blank" rel="noreferrer" size="xs">
        Create an app password at {preset.name}
      </Anchor>
    </>
  );
}

export function ImapFields({ value, onChange, fieldError, refusal, connected }: ImapFieldsProps) {
  const [changing, setChanging] = useState(false);
  const presets = useImapPresets();
  const list = presets.data ?? [];
  const preset = list.find((p) => p.id === value.presetId);
  // The presets may arrive after an address was typed (a slow network, a fast typist): the
  // address's preset is picked then, as it would have been while typing.
  const arrived = presets.data;
  useEffect(() => {
    if (!arrived || value.presetPicked || value.presetId || !value.email) return;
    const next = withEmail(value, value.email, arrived);
    if (next.presetId) onChange(next);
    // Only when the presets arrive: later typing goes through withEmail in onChange.
  }, [arrived]);
  const set = (key: 'password' | 'caldavUrl') => (e: { currentTarget: { value: string } }) => onChange({ ...value, [key]: e.currentTarget.value });
  const passwordError = fieldError('imap.password') ?? refusalHint(refusal, 'password');
  const caldavError = fieldError('imap.caldavUrl') ?? refusalHint(refusal, 'caldavUrl');

  // A connected mailbox keeps its saved servers and password; the fields open only to change them.
  if (connected && !changing) {
    return (
      <Fieldset legend="Other mailbox (IMAP/SMTP + CalDAV)">
        <Group justify="space-between">
          <Text size="sm">Your mailbox is connected with its saved servers and password.</Text>
          <Button variant="default" size="xs" onClick={() => setChanging(true)}>
            Change servers or password
          </Button>
        </Group>
      </Fieldset>
    );
  }

  return (
    <Fieldset legend="Other mailbox (IMAP/SMTP + CalDAV)">
      <Stack gap="sm">
        <TextInput
          label="Email Address"
          type="email"
          required
          autoComplete="email"
          value={value.email}
          onChange={(e) => onChange(withEmail(value, e.currentTarget.value, list))}
          error={fieldError('imap.email')}
        />
        <NativeSelect
          label="Mail host"
          description={presets.isError ? 'The list of common hosts could not be loaded; enter the servers below.' : 'Fills in the servers below; you can still change them.'}
          value={value.presetId}
          data={[...list.map((p) => ({ value: p.id, label: p.name })), { value: '', label: 'Another host (enter the servers)' }]}
          onChange={(e) => {
            const id = e.currentTarget.value;
            onChange({ ...applyPreset(value, list.find((p) => p.id === id)), presetPicked: true });
          }}
        />
        <TextInput
          label="Username"
          description="Usually your full email address."
          required
          autoComplete="username"
          value={value.username}
          onChange={(e) => onChange({ ...value, username: e.currentTarget.value, usernameEdited: true })}
          error={fieldError('imap.username')}
        />
        <PasswordInput
          label="Password"
          description={appPasswordHelp(preset)}
          required
          autoComplete="current-password"
          value={value.password}
          onChange={set('password')}
          error={passwordError}
          // Mantine's PasswordInput marks errors with data-invalid only; screen readers need aria-invalid.
          aria-invalid={passwordError ? true : undefined}
        />
        <Fieldset legend="Incoming mail (IMAP)" variant="unstyled">
          <ServerFields which="imap" value={value} onChange={onChange} fieldError={fieldError} hostHint={refusalHint(refusal, 'imap')} />
        </Fieldset>
        <Fieldset legend="Outgoing mail (SMTP)" variant="unstyled">
          <ServerFields which="smtp" value={value} onChange={onChange} fieldError={fieldError} hostHint={refusalHint(refusal, 'smtp')} />
        </Fieldset>
        <TextInput
          label="CalDAV URL (optional)"
          description="For Sync Calendar. The server's address is enough: Tandem finds your calendar through /.well-known/caldav and your account's calendar home. Left empty, Tandem looks up the calendar server your address's domain publishes."
          type="url"
          value={value.caldavUrl}
          onChange={set('caldavUrl')}
          error={caldavError}
          spellCheck={false}
        />
      </Stack>
    </Fieldset>
  );
}
