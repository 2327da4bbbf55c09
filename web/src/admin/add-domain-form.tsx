/**
 * Add a sending domain: Tandem makes its DKIM key and selector and answers with the records to
 * publish. The DMARC report address is where receivers send their aggregate reports.
 */
import { Button, Card, Group, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorFor, ErrorAlert } from '../ui/errors';
import { useAddDomain } from './admin-api';

export function AddDomainForm({ onAdded }: { onAdded?: (domain: string) => void }) {
  const add = useAddDomain();
  const [domain, setDomain] = useState('');
  const [report, setReport] = useState('');
  const [spfInclude, setSpfInclude] = useState('');
  const error = errorFor(add.error);
  const name = domain.trim().toLowerCase();

  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate(
      { domain: name, dmarcReportAddress: report.trim() || `dmarc-reports@${name}`, ...(spfInclude.trim() ? { spfInclude: spfInclude.trim() } : {}) },
      {
        onSuccess: (added) => {
          setDomain('');
          setReport('');
          setSpfInclude('');
          onAdded?.(added.domain);
        },
      },
    );
  }

  return (
    <Card withBorder component="form" onSubmit={submit} noValidate aria-label="Add a sending domain">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Add a sending domain
        </Title>
        {error && !error.hasFields && <ErrorAlert error={add.error} title="Could not add the domain" />}
        <Group grow align="flex-start">
          <TextInput
            label="Domain"
            description="The part after @ in your users' addresses."
            placeholder="example.com"
            required
            value={domain}
            onChange={(e) => setDomain(e.currentTarget.value)}
            error={error?.field('domain')}
          />
          <TextInput
            label="DMARC report address"
            description={name ? `Empty: dmarc-reports@${name}` : 'Where receivers send their DMARC reports.'}
            type="email"
            value={report}
            onChange={(e) => setReport(e.currentTarget.value)}
            error={error?.field('dmarcReportAddress')}
          />
        </Group>
        <TextInput
          label="SPF include of the relay (optional)"
          description="The relay's own SPF name, e.g. spf.relay.example. Empty: the relay's addresses are listed."
          value={spfInclude}
          onChange={(e) => setSpfInclude(e.currentTarget.value)}
          error={error?.field('spfInclude')}
        />
        <Button type="submit" loading={add.isPending} disabled={!name} w="fit-content">
          Add domain
        </Button>
      </Stack>
    </Card>
  );
}
