/**
 * Email domain authentication for the SMTP relay: the SPF, DKIM and DMARC records to publish (with
 * copy buttons), and the live check of what DNS answers now, explained in plain words.
 */
import { Badge, Button, Card, Code, CopyButton, Group, List, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import type { CheckStatus, Domain, RecordCheck } from '../api/schemas';
import { ErrorAlert } from '../ui/errors';
import { formatDateTime } from '../ui/format';
import { AddDomainForm } from './add-domain-form';
import { useCheckDomain, useDomains } from './admin-api';

const statusColor: Record<CheckStatus, string> = { pass: 'green', warn: 'yellow', fail: 'red' };
const statusWord: Record<CheckStatus, string> = { pass: 'OK', warn: 'Warning', fail: 'Needs fixing' };
const recordNames: Record<string, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', alignment: 'From-domain alignment' };

function Copy({ value, what }: { value: string; what: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button size="compact-xs" variant="light" onClick={copy} aria-label={`Copy ${what}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

export function DomainsPage() {
  const domains = useDomains();
  return (
    <Stack>
      <Title order={1} size="h2">
        Email domains
      </Title>
      <Text size="sm" c="dimmed">
        Mail sent through the company SMTP relay reaches inboxes only when the sending domain publishes these DNS records. Add them at your DNS provider, then run the check.
      </Text>
      <ErrorAlert error={domains.error} title="Could not load the domains" />
      {domains.isPending && <Loader aria-label="Loading domains" />}
      {domains.data?.length === 0 && <Text>No sending domain is set up yet.</Text>}
      {domains.data?.map((d) => <DomainCard key={d.id} domain={d} />)}
      <AddDomainForm />
    </Stack>
  );
}

function DomainCard({ domain }: { domain: Domain }) {
  const check = useCheckDomain();
  const result = check.data ?? domain.check;
  return (
    <Card withBorder component="section" aria-label={domain.domain}>
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h3">
            {domain.domain}
          </Title>
          <Button onClick={() => check.mutate(domain.id)} loading={check.isPending}>
            Check now
          </Button>
        </Group>
        <Title order={3} size="h5">
          Records to publish
        </Title>
        <Table aria-label={`Records to publish for ${domain.domain}`} layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>Record</Table.Th>
              <Table.Th w={70}>Type</Table.Th>
              <Table.Th w="30%">Host</Table.Th>
              <Table.Th>Value</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {domain.records.map((r) => (
              <Table.Tr key={`${r.purpose}-${r.host}`}>
                <Table.Td>{recordNames[r.purpose] ?? r.purpose}</Table.Td>
                <Table.Td>{r.type}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" align="flex-start">
                    <Code style={{ wordBreak: 'break-all' }}>{r.host}</Code>
                    <Copy value={r.host} what={`${r.purpose} host`} />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" align="flex-start">
                    <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', flex: 1 }}>
                      {r.value}
                    </Code>
                    <Copy value={r.value} what={`${r.purpose} value`} />
                  </Group>
                  {r.explanation && (
                    <Text size="xs" mt={4}>
                      {r.explanation}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <ErrorAlert error={check.error} title="The check could not run" />
        {check.isPending ? (
          <CheckProgress domain={domain.domain} />
        ) : result ? (
          <Stack gap="xs" role="region" aria-label={`Live check of ${domain.domain}`}>
            <Group gap="xs">
              <Title order={3} size="h5">
                Live check
              </Title>
              <Badge color={result.overall === 'pass' ? 'green' : 'red'}>{result.overall === 'pass' ? 'Ready to send' : 'Not ready'}</Badge>
              <Text size="xs" c="dimmed">
                checked {formatDateTime(result.checkedAt)}
              </Text>
            </Group>
            {[result.spf, result.dkim, result.dmarc, result.alignment].map((c) => (
              <CheckResult key={c.record} check={c} />
            ))}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            Not checked yet.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** The check is one request that asks DNS for every record; show which ones are being looked up while it runs. */
function CheckProgress({ domain }: { domain: string }) {
  return (
    <Stack gap={6} role="status" aria-label={`Checking ${domain}`}>
      <Text size="sm">Asking DNS for the records of {domain}…</Text>
      <Progress value={100} animated striped aria-label={`Live check of ${domain} running`} />
      <Group gap="md">
        {['spf', 'dkim', 'dmarc', 'alignment'].map((r) => (
          <Group key={r} gap={4}>
            <Loader size={10} />
            <Text size="xs">{recordNames[r]}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}

function CheckResult({ check }: { check: RecordCheck }) {
  const rest = check.issues.filter((i) => i.explanation !== check.explanation);
  return (
    <Card withBorder padding="sm">
      <Group gap="xs">
        <Text fw={600}>{recordNames[check.record] ?? check.record}</Text>
        <Badge color={statusColor[check.status]}>{statusWord[check.status]}</Badge>
        <Text size="xs" c="dimmed">
          {check.host}
        </Text>
      </Group>
      <Text size="sm" mt={4}>
        {check.explanation}
      </Text>
      {rest.length > 0 && (
        <List size="sm" mt={4}>
          {rest.map((i) => (
            <List.Item key={i.code + i.explanation}>
              <Badge size="xs" color={statusColor[i.status]} mr={6}>
                {statusWord[i.status]}
              </Badge>
              {i.explanation}
            </List.Item>
          ))}
        </List>
      )}
      {check.found.length > 0 && (
        <Text size="xs" mt={4} c="dimmed">
          DNS answers now: <Code>{check.found.join(' | ')}</Code>
        </Text>
      )}
    </Card>
  );
}
