/**
 * Admin → SMTP relay: where the mail of users without a synced mailbox goes out. The password is
 * write-only: the API says only whether one is stored, so the field stays empty and "leave empty"
 * keeps it. A test message proves the settings (or shows the relay's own answer).
 */
import { Alert, Anchor, Button, Card, Checkbox, Group, Loader, NativeSelect, NumberInput, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Relay, RelayTls } from '../api/relay-schemas';
import { relayTlsSchema } from '../api/relay-schemas';
import { useSignedIn } from '../auth/signed-in';
import { linkProps } from '../router';
import { errorFor, ErrorAlert } from '../ui/errors';
import { formatDateTime } from '../ui/format';
import { useRelay, useRelayTest, useSaveRelay, type RelayInput } from './admin-api';

const tlsOptions: { value: RelayTls; label: string }[] = [
  { value: 'tls', label: 'TLS from the start (usually port 465)' },
  { value: 'starttls', label: 'STARTTLS (usually port 587)' },
  { value: 'none', label: 'None (only inside a trusted network)' },
];

export function RelayPage() {
  const relay = useRelay();
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        SMTP relay
      </Title>
      <Text size="sm" c="dimmed">
        Users who have no synced mailbox send through this relay, from their own address, once its domain passes the checks under{' '}
        <Anchor {...linkProps('/admin/domains')}>Email domains</Anchor>.
      </Text>
      {relay.isPending && <Loader aria-label="Loading the relay settings" />}
      <ErrorAlert error={relay.error} title="Could not load the relay settings" />
      {/* Not keyed on the answer: after Save the refetched settings must not remount the form and lose its "Saved". */}
      {relay.isSuccess && <RelayForm relay={relay.data} />}
      {relay.data && <RelayTest />}
    </Stack>
  );
}

function RelayForm({ relay }: { relay: Relay | null }) {
  const save = useSaveRelay();
  const [host, setHost] = useState(relay?.host ?? '');
  const [port, setPort] = useState<number | string>(relay?.port ?? 587);
  const [tls, setTls] = useState<RelayTls>(relay?.tls ?? 'starttls');
  const [username, setUsername] = useState(relay?.username ?? '');
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const error = errorFor(save.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    const input: RelayInput = { host: host.trim(), port: typeof port === 'number' ? port : Number(port), tls };
    if (username.trim()) input.username = username.trim();
    if (removePassword) input.password = null;
    else if (password) input.password = password;
    save.mutate(input, { onSuccess: () => setPassword('') });
  }

  return (
    <Card withBorder component="form" onSubmit={submit} noValidate aria-label="Relay settings">
      <Stack gap="sm">
        {save.isSuccess && (
          <Alert color="green" role="status" title="Saved">
            The relay settings are saved.
          </Alert>
        )}
        {error && !error.hasFields && <ErrorAlert error={save.error} title="Could not save the relay" />}
        <Group grow align="flex-start">
          <TextInput label="Host" placeholder="smtp.example.com" required value={host} onChange={(e) => setHost(e.currentTarget.value)} error={error?.field('host')} />
          <NumberInput label="Port" required min={1} max={65535} allowDecimal={false} value={port} onChange={setPort} error={error?.field('port')} />
        </Group>
        <NativeSelect
          label="Encryption"
          data={tlsOptions}
          value={tls}
          onChange={(e) => {
            const parsed = relayTlsSchema.safeParse(e.currentTarget.value);
            if (parsed.success) setTls(parsed.data);
          }}
          error={error?.field('tls')}
        />
        <TextInput label="Username" description="Empty when the relay accepts this server without signing in." value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={error?.field('username')} />
        <PasswordInput
          label="Password"
          description={relay?.passwordSet ? 'A password is saved (never shown). Leave empty to keep it.' : 'Stored encrypted; never shown again.'}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          disabled={removePassword}
          error={error?.field('password')}
          autoComplete="new-password"
        />
        {relay?.passwordSet && <Checkbox label="Remove the saved password" checked={removePassword} onChange={(e) => setRemovePassword(e.currentTarget.checked)} />}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            {relay ? `Last changed ${formatDateTime(relay.updatedAt)}` : 'Not set up yet.'}
          </Text>
          <Button type="submit" loading={save.isPending} disabled={!host.trim()}>
            Save relay
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function RelayTest() {
  const me = useSignedIn();
  const test = useRelayTest();
  const [to, setTo] = useState(me.user.email);
  const result = test.data;
  return (
    <Card
      withBorder
      component="form"
      aria-label="Send a test message"
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        test.mutate(to.trim());
      }}
    >
      <Stack gap="sm">
        <Title order={2} size="h4">
          Send a test message
        </Title>
        <Group align="flex-end">
          <TextInput label="Send to" type="email" required value={to} onChange={(e) => setTo(e.currentTarget.value)} error={errorFor(test.error)?.field('to')} style={{ flex: 1 }} />
          <Button type="submit" variant="default" loading={test.isPending} disabled={!to.trim()}>
            Send test
          </Button>
        </Group>
        {test.isPending && (
          <Text size="sm" role="status">
            Talking to the relay…
          </Text>
        )}
        {!test.isPending && result?.ok === true && (
          <Alert color="green" role="status" title="The relay accepted the message">
            {result.signed ? 'Signed with the domain’s DKIM key. ' : 'Not DKIM-signed: the sender’s domain is not a sending domain yet. '}Relay answered: {result.response}
          </Alert>
        )}
        {!test.isPending && result?.ok === false && (
          <Alert color="red" role="alert" title="The relay refused the message">
            {result.message}
            {result.relayResponse ? ` Relay answered: ${result.relayResponse}` : ''}
          </Alert>
        )}
        {!errorFor(test.error)?.hasFields && <ErrorAlert error={test.error} title="Could not send the test" />}
      </Stack>
    </Card>
  );
}
