/** What happened after Save / Reconnect when the provider's flow did not redirect. */
import { Alert, Anchor, Button, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { NextStep } from '../api/schemas';

export function NextStepNotice({ step }: { step: NextStep | null }) {
  if (!step || step.type === 'redirect') return null;
  if (step.type === 'done') {
    return (
      <Alert color="green" role="status" title="Saved">
        Your sync settings are saved.
      </Alert>
    );
  }
  if (step.adminConsentUrl) return <AdminConsentNotice message={step.message} url={step.adminConsentUrl} />;
  return (
    <Alert color="red" role="alert" title="Could not connect the mailbox">
      {step.message}
    </Alert>
  );
}

/**
 * Microsoft answers AADSTS65001 / admin_consent_required when the tenant lets only administrators
 * approve apps; the user cannot proceed alone, so give them the link to pass on.
 */
export function AdminConsentNotice({ message, url }: { message: string; url: string }) {
  return (
    <Alert color="orange" role="alert" title="Admin approval required">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        <Text size="sm">Ask your Microsoft 365 administrator to open this link and approve Tandem for your organisation, then press Save again:</Text>
        <Group gap="xs">
          <Anchor href={url} target="_blank" rel="noreferrer" size="sm" style={{ wordBreak: 'break-all' }}>
            {url}
          </Anchor>
          <CopyButton value={url}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy link'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
