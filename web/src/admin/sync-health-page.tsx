/** Sync health: every connected account, why it is not syncing, its recent runs, and a Resync with progress. */
import { Badge, Button, Group, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment, useEffect, useState } from 'react';
import type { SyncHealthItem } from '../api/schemas';
import { ErrorAlert } from '../ui/errors';
import { accountStatus, formatDateTime, providerLabels, reasonText } from '../ui/format';
import { resyncFinished, useResync, useSyncHealth } from './admin-api';

export interface SyncHealthPageProps {
  /** The clock for "resync asked at"; injected in tests. */
  now?: () => Date;
}

export function SyncHealthPage({ now = () => new Date() }: SyncHealthPageProps) {
  const [resyncing, setResyncing] = useState<Record<string, string>>({});
  const health = useSyncHealth(Object.keys(resyncing).length > 0);
  const resync = useResync();
  const items = health.data ?? [];
  const [open, setOpen] = useState<string | null>(null);

  // Drop finished resyncs so polling stops.
  useEffect(() => {
    setResyncing((r) => {
      const next = Object.fromEntries(Object.entries(r).filter(([id, since]) => {
        const item = health.data?.find((i) => i.id === id);
        return !item || !resyncFinished(item, since);
      }));
      return Object.keys(next).length === Object.keys(r).length ? r : next;
    });
  }, [health.data]);
  const running = resyncing;

  function start(id: string) {
    const since = now().toISOString();
    resync.mutate(id, { onSuccess: () => setResyncing((r) => ({ ...r, [id]: since })) });
  }

  return (
    <Stack>
      <Title order={1} size="h2">
        Sync health
      </Title>
      <ErrorAlert error={health.error ?? resync.error} />
      {health.isPending && <Loader aria-label="Loading sync health" />}
      {health.data && items.length === 0 && <Text>No mailbox is connected yet.</Text>}
      {items.length > 0 && (
        <Table aria-label="Connected accounts" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Mailbox</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last sync</Table.Th>
              <Table.Th>Next sync</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Fragment key={item.id}>
                <AccountRow item={item} running={item.id in running} onResync={() => start(item.id)} onToggle={() => setOpen(open === item.id ? null : item.id)} expanded={open === item.id} />
                {open === item.id && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <RunsTable item={item} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function AccountRow({ item, running, expanded, onResync, onToggle }: { item: SyncHealthItem; running: boolean; expanded: boolean; onResync: () => void; onToggle: () => void }) {
  const status = accountStatus(item.status);
  const reason = reasonText(item.statusReason);
  const latest = item.runs[0];
  return (
    <Table.Tr>
      <Table.Td>{item.user.name}</Table.Td>
      <Table.Td>
        {item.mailboxAddress}
        <Text size="xs" c="dimmed">
          {providerLabels[item.provider]}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={status.color}>{status.label}</Badge>
        {reason && (
          <Text size="xs" mt={4}>
            {reason}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{formatDateTime(item.lastSuccessAt)}</Table.Td>
      <Table.Td>{formatDateTime(item.nextRunAt)}</Table.Td>
      <Table.Td>
        <Stack gap={4}>
          <Group gap="xs">
            <Button size="compact-sm" variant="default" onClick={onResync} disabled={running} aria-label={`Resync ${item.mailboxAddress}`}>
              Resync
            </Button>
            <Button size="compact-sm" variant="subtle" onClick={onToggle} aria-expanded={expanded}>
              Runs
            </Button>
          </Group>
          {running && (
            <Stack gap={2} role="status" aria-label={`Resync of ${item.mailboxAddress}`}>
              <Progress value={100} animated striped size="sm" aria-label="Resync in progress" />
              <Text size="xs">
                Resync running{latest && !latest.finishedAt && latest.items != null ? `: ${latest.items} items so far` : '…'}
              </Text>
            </Stack>
          )}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

function RunsTable({ item }: { item: SyncHealthItem }) {
  if (item.runs.length === 0) return <Text size="sm">No runs recorded yet.</Text>;
  return (
    <Table aria-label={`Recent runs of ${item.mailboxAddress}`} fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Started</Table.Th>
          <Table.Th>Finished</Table.Th>
          <Table.Th>Items</Table.Th>
          <Table.Th>Errors</Table.Th>
          <Table.Th>Error</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {item.runs.map((r) => (
          <Table.Tr key={r.startedAt}>
            <Table.Td>{formatDateTime(r.startedAt)}</Table.Td>
            <Table.Td>{r.finishedAt ? formatDateTime(r.finishedAt) : 'running'}</Table.Td>
            <Table.Td>{r.items ?? '—'}</Table.Td>
            <Table.Td>{r.errors ?? 0}</Table.Td>
            <Table.Td>{[r.errorKind, r.message].filter(Boolean).join(': ') || '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
