/** The connected mailbox: status, last / next sync, why it stopped, and the actions on it. */
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { Account, NextStep } from '../api/schemas';
import { ErrorAlert } from '../ui/errors';
import { accountStatus, formatDate, formatDateTime, providerLabels, reasonText } from '../ui/format';
import { useDisconnect, useReconnect, useSyncNow } from './sync-api';

export function ExpiryBanner({ account }: { account: Account }) {
  if (account.expiryWarning === 'none') return null;
  const days = account.expiryWarning === '3d' ? 3 : 14;
  return (
    <Alert color={days === 3 ? 'red' : 'yellow'} role="alert" title={`Your mailbox connection expires in less than ${days} days`}>
      The connection to {account.mailboxAddress} expires on {formatDate(account.expiresAt)}. Signing in to Tandem renews it; if
      it still shows this warning, press Reconnect.
    </Alert>
  );
}

export function ConnectedAccount({ account, onNextStep }: { account: Account; onNextStep: (step: NextStep) => void }) {
  const reconnect = useReconnect();
  const disconnect = useDisconnect();
  const syncNow = useSyncNow();
  const status = accountStatus(account.status);
  const reason = reasonText(account.statusReason);
  const needsReconnect = account.status === 'needs_reconnect';

  return (
    <Card withBorder component="section" aria-labelledby="mailbox-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="mailbox-title">
            Connected mailbox
          </Title>
          <Badge color={status.color}>{status.label}</Badge>
        </Group>
        <Table variant="vertical" withTableBorder={false}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th>Mailbox</Table.Th>
              <Table.Td>
                {account.mailboxAddress} ({providerLabels[account.provider]})
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Last sync</Table.Th>
              <Table.Td>{formatDateTime(account.lastSuccessAt)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>Next sync</Table.Th>
              <Table.Td>{needsReconnect ? 'Stopped until you reconnect' : formatDateTime(account.nextRunAt)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        {reason && (
          <Text size="sm" c={needsReconnect ? 'red' : undefined} role={needsReconnect ? 'alert' : undefined}>
            {reason}
          </Text>
        )}
        <Group>
          <Button
            variant={needsReconnect ? 'filled' : 'default'}
            loading={reconnect.isPending}
            onClick={() => reconnect.mutate(undefined, { onSuccess: onNextStep })}
          >
            Reconnect
          </Button>
          <Button variant="default" loading={syncNow.isPending} disabled={needsReconnect} onClick={() => syncNow.mutate()}>
            Sync now
          </Button>
          <Button color="red" variant="light" loading={disconnect.isPending} onClick={() => disconnect.mutate()}>
            Disconnect
          </Button>
        </Group>
        <ErrorAlert error={reconnect.error ?? syncNow.error ?? disconnect.error} />
      </Stack>
    </Card>
  );
}
