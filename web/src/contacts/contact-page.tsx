/** One contact: details, Compose, and the Activities tab. */
import { Anchor, Button, Card, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { Contact } from '../api/schemas';
import { linkProps } from '../router';
import { ErrorAlert } from '../ui/errors';
import { ActivitiesTab } from './activities-tab';
import { ComposeEmailModal } from './compose-email';
import { useContact } from './contacts-api';

function addressLine(c: Contact): string {
  return [c.street, [c.postalCode, c.city].filter(Boolean).join(' '), c.region, c.country].filter(Boolean).join(', ');
}

export function ContactPage({ contactId }: { contactId: string }) {
  const contact = useContact(contactId);
  const [composing, setComposing] = useState(false);

  return (
    <Stack>
      <Anchor size="sm" {...linkProps('/contacts')}>
        ← Contacts
      </Anchor>
      <ErrorAlert error={contact.error} title="Could not load the contact" />
      {contact.isPending && <Loader aria-label="Loading contact" />}
      {contact.data && (
        <>
          <Group justify="space-between">
            <Title order={1} size="h2">
              {contact.data.name}
            </Title>
            <Button onClick={() => setComposing(true)} disabled={contact.data.emails.length === 0}>
              Compose email
            </Button>
          </Group>
          <Card withBorder>
            <Stack gap={4}>
              {contact.data.companyName && <Text>{contact.data.companyName}</Text>}
              {contact.data.emails.map((e) => (
                <Anchor key={e} href={`mailto:${e}`} size="sm">
                  {e}
                </Anchor>
              ))}
              {contact.data.phone && <Text size="sm">{contact.data.phone}</Text>}
              {addressLine(contact.data) && <Text size="sm">{addressLine(contact.data)}</Text>}
            </Stack>
          </Card>
          <Tabs defaultValue="activities" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="activities">Activities</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="activities" pt="md">
              <ActivitiesTab contactId={contactId} />
            </Tabs.Panel>
          </Tabs>
          <ComposeEmailModal contact={contact.data} opened={composing} onClose={() => setComposing(false)} />
        </>
      )}
    </Stack>
  );
}
