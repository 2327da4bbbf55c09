/** Contacts: alphabetical list with "load more", search by name, company or address. */
import { Anchor, Button, Group, Loader, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { linkProps, navigate } from '../router';
import { ErrorAlert } from '../ui/errors';
import { ContactFormModal } from './contact-form-modal';
import { SEARCH_DEBOUNCE_MS, useContacts } from './contacts-api';

export function ContactsPage() {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const contacts = useContacts(q);
  const [creating, setCreating] = useState(false);
  const rows = contacts.data?.pages.flat() ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Contacts
        </Title>
        <Button onClick={() => setCreating(true)}>New contact</Button>
      </Group>
      <TextInput
        label="Search contacts"
        placeholder="Name, company or email address"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={420}
      />
      <ErrorAlert error={contacts.error} title="Could not load contacts" />
      {contacts.isPending && <Loader aria-label="Loading contacts" />}
      {contacts.data && rows.length === 0 && <Text c="dimmed">{q ? `No contact matches “${q}”.` : 'No contacts yet.'}</Text>}
      {rows.length > 0 && (
        <Table striped highlightOnHover aria-label="Contacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Company</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Phone</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor {...linkProps(`/contacts/${c.id}`)}>{c.name}</Anchor>
                </Table.Td>
                <Table.Td>{c.companyName ?? ''}</Table.Td>
                <Table.Td>{c.emails.join(', ')}</Table.Td>
                <Table.Td>{c.phone ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {contacts.hasNextPage && (
        <Button variant="default" w="fit-content" loading={contacts.isFetchingNextPage} onClick={() => void contacts.fetchNextPage()}>
          Load more
        </Button>
      )}
      <ContactFormModal opened={creating} onClose={() => setCreating(false)} onCreated={(c) => navigate(`/contacts/${c.id}`)} />
    </Stack>
  );
}
