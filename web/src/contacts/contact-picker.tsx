/** Pick a contact by searching on the server (name, company or address). */
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { Contact } from '../api/schemas';
import { SEARCH_DEBOUNCE_MS, useContacts } from './contacts-api';

export function ContactPicker({ label, onPick, disabled }: { label: string; onPick: (c: Contact) => void; disabled?: boolean }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const contacts = useContacts(q);
  const items = q ? (contacts.data?.pages.flat() ?? []) : [];
  return (
    <Select
      label={label}
      placeholder="Search contacts"
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      data={items.map((c) => ({ value: c.id, label: c.emails[0] ? `${c.name} <${c.emails[0]}>` : c.name }))}
      nothingFoundMessage={q && contacts.isSuccess ? 'No contact found' : undefined}
      onChange={(id) => {
        const picked = items.find((c) => c.id === id);
        if (picked) onPick(picked);
      }}
      disabled={disabled}
      w={340}
    />
  );
}
