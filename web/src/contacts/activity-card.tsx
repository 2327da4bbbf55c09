/** One activity on a contact's timeline: who, when, status of outgoing mail, body, attachments, Regarding. */
import { Anchor, Badge, Button, Card, Collapse, Group, List, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { Activity, Address } from '../api/schemas';
import { formatBytes, formatDateTime } from '../ui/format';
import { MessageFrame } from './message-frame';
import { RegardingPicker } from './regarding-picker';

const typeLabels: Record<Activity['type'], string> = { email: 'Email', appointment: 'Appointment', note: 'Note' };

const directionLabels: Record<string, string> = { inbound: 'Received', outbound: 'Sent' };

const statusColors: Record<string, string> = { queued: 'yellow', sending: 'yellow', sent: 'green', failed: 'red' };

export function formatAddress(a: Address): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

export function SendStatus({ activity }: { activity: Activity }) {
  if (!activity.status || !(activity.status in statusColors)) return null;
  return (
    <Group gap="xs">
      <Badge color={statusColors[activity.status]} variant="light" aria-label={`Status: ${activity.status}`}>
        {activity.status}
      </Badge>
      {activity.status === 'failed' && activity.failureReason && (
        <Text size="sm" c="red">
          {activity.failureReason}
        </Text>
      )}
    </Group>
  );
}

/** `actions` replaces the Regarding picker, e.g. "file to contact" on unmatched mail. */
export function ActivityCard({ activity, actions }: { activity: Activity; actions?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const subject = activity.subject || '(no subject)';
  const recipients = [...activity.to, ...activity.cc].map(formatAddress).join(', ');

  return (
    <Card withBorder component="article" aria-label={`${typeLabels[activity.type]}: ${subject}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Badge variant="outline">{typeLabels[activity.type]}</Badge>
            {activity.direction && (
              <Text size="xs" c="dimmed">
                {directionLabels[activity.direction] ?? activity.direction}
              </Text>
            )}
            <Text fw={600}>{subject}</Text>
          </Group>
          <Text size="sm" c="dimmed" component="time" dateTime={activity.occurredAt}>
            {formatDateTime(activity.occurredAt)}
          </Text>
        </Group>
        {activity.from && <Text size="sm">From: {formatAddress(activity.from)}</Text>}
        {recipients && <Text size="sm">To: {recipients}</Text>}
        <SendStatus activity={activity} />
        {activity.attachments.length > 0 && (
          <List size="sm" aria-label="Attachments">
            {activity.attachments.map((a, i) => (
              <List.Item key={`${a.name}-${i}`}>
                {a.sha256 ? (
                  <Anchor href={`/api/activities/${activity.id}/attachments/${i}`} download={a.name}>
                    {a.name}
                  </Anchor>
                ) : (
                  a.name
                )}{' '}
                ({a.contentType}, {formatBytes(a.size)}){a.refusedReason ? ` — not stored: ${a.refusedReason}` : ''}
              </List.Item>
            ))}
          </List>
        )}
        {(activity.bodyHtml || activity.bodyText) && (
          <>
            <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
              {open ? 'Hide message' : 'Show message'}
            </Button>
            <Collapse expanded={open}>{open && <MessageFrame html={activity.bodyHtml} text={activity.bodyText} title={`Message: ${subject}`} />}</Collapse>
          </>
        )}
        {actions ?? <RegardingPicker activityId={activity.id} regarding={activity.regarding} />}
      </Stack>
    </Card>
  );
}
