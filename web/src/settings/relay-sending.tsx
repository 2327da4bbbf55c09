/**
 * Provider "Other via SMTP": no mailbox is synced, so mail written in Tandem goes out through the
 * company's SMTP relay from the user's own address — when the relay is set up and the address's
 * domain passes its SPF / DKIM / DMARC check. This says which, and what to fix.
 */
import { Alert, Anchor, Badge, Card, Group, List, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context';
import { relayStatusSchema, type RelayStatus } from '../api/relay-schemas';
import { useSignedIn } from '../auth/signed-in';
import { linkProps } from '../router';
import { ErrorAlert } from '../ui/errors';
import { formatDateTime } from '../ui/format';

export const relayStatusKey = ['settings', 'relay'] as const;

export function useRelayStatus() {
  const api = useApi();
  return useQuery({ queryKey: relayStatusKey, queryFn: () => api.get('/api/settings/relay', relayStatusSchema) });
}

const recordNames: Record<string, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', alignment: 'From-domain alignment' };

export function RelaySending() {
  const status = useRelayStatus();
  return (
    <Card withBorder component="section" aria-labelledby="relay-sending-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4" id="relay-sending-title">
            Sending through the company SMTP relay
          </Title>
          {status.data && <Badge color={status.data.ready ? 'green' : 'orange'}>{status.data.ready ? 'Ready to send' : 'Not ready'}</Badge>}
        </Group>
        {status.isPending && <Loader size="sm" aria-label="Loading the relay status" />}
        <ErrorAlert error={status.error} title="Could not load the relay status" />
        {status.data && <RelayStatusText status={status.data} />}
      </Stack>
    </Card>
  );
}

/** The gate words "not checked" as "not set up"; when the domain is added but never checked, say that instead. */
function reasonOf(status: RelayStatus): string | null {
  if (status.code === 'domain_not_checked' && status.domain && !status.domain.checkedAt) {
    return `${status.domain.domain} is added as a sending domain, but its SPF, DKIM and DMARC records have not been checked yet. Once they are published, an administrator runs the check under Email domains.`;
  }
  return status.message;
}

function RelayStatusText({ status }: { status: RelayStatus }) {
  const isAdmin = useSignedIn().user.role === 'admin';
  return (
    <Stack gap="xs">
      <Text size="sm">
        No mailbox is synced for you: mail you write in Tandem goes out through your company&apos;s SMTP relay from <b>{status.fromAddress}</b>. It does not appear in
        a Sent folder and nothing is captured or synced from a mailbox.
      </Text>
      {status.hasSyncedMailbox && (
        <Text size="sm" c="dimmed">
          While a mailbox is connected, Tandem sends through that mailbox instead. Saving with this provider disconnects it.
        </Text>
      )}
      {status.ready && status.domain ? (
        <Alert color="green" role="status" title="Ready to send">
          {status.domain.domain} passed its SPF, DKIM and DMARC check on {formatDateTime(status.domain.checkedAt)}; your mail is signed for it.
        </Alert>
      ) : (
        <Alert color="orange" role="alert" title="Mail cannot go out through the relay yet">
          <Stack gap={6}>
            <Text size="sm">{reasonOf(status)}</Text>
            {status.failing.length > 0 && (
              <List size="sm">
                {status.failing.map((f) => (
                  <List.Item key={`${f.record}-${f.host}`}>
                    <b>{recordNames[f.record] ?? f.record}</b> at {f.host}: {f.explanation}
                  </List.Item>
                ))}
              </List>
            )}
            {isAdmin ? (
              <Group gap="md">
                <Anchor size="sm" {...linkProps('/admin/relay')}>
                  Set up the SMTP relay
                </Anchor>
                <Anchor size="sm" {...linkProps('/admin/domains')}>
                  Email domains (records and live check)
                </Anchor>
              </Group>
            ) : (
              <Text size="sm">Ask an administrator of your company to fix this. Until then Tandem refuses to send and says why, rather than let your mail land in spam.</Text>
            )}
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
