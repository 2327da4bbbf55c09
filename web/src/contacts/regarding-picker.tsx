/**
 * Regarding: attaches an activity to an Opportunity, Property or Work Ticket (searched on the
 * server), or clears it. Captured mail arrives with Regarding empty; the user decides.
 */
import { Badge, Button, Group, Select, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { Regarding, RegardingType } from '../api/schemas';
import { ErrorAlert } from '../ui/errors';
import { useRegardingSearch, useSetRegarding } from './contacts-api';

export const REGARDING_DEBOUNCE_MS = 200;

export const regardingTypeLabels: Record<RegardingType, string> = {
  opportunity: 'Opportunity',
  property: 'Property',
  work_ticket: 'Work Ticket',
};
const groupLabels: Record<RegardingType, string> = { opportunity: 'Opportunities', property: 'Properties', work_ticket: 'Work Tickets' };

const keyOf = (r: Regarding) => `${r.type}:${r.id}`;

export function RegardingPicker({ activityId, regarding }: { activityId: string; regarding: Regarding | null }) {
  const setRegarding = useSetRegarding();
  const [editing, setEditing] = useState(false);

  if (regarding && !editing) {
    return (
      <Group gap="xs">
        <Text size="sm">Regarding:</Text>
        <Badge variant="light">{regardingTypeLabels[regarding.type]}</Badge>
        <Text size="sm" fw={500}>
          {regarding.label}
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(true)}>
          Change
        </Button>
        <Button size="compact-xs" variant="subtle" color="red" loading={setRegarding.isPending} onClick={() => setRegarding.mutate({ activityId, regarding: null })}>
          Clear Regarding
        </Button>
        <ErrorAlert error={setRegarding.error} />
      </Group>
    );
  }
  if (!editing) {
    return (
      <Button size="compact-xs" variant="light" w="fit-content" onClick={() => setEditing(true)}>
        Attach Regarding
      </Button>
    );
  }
  return (
    <RegardingSearch
      pending={setRegarding.isPending}
      error={setRegarding.error}
      onCancel={() => setEditing(false)}
      onPick={(r) => setRegarding.mutate({ activityId, regarding: r }, { onSuccess: () => setEditing(false) })}
    />
  );
}

/** The search box alone: Compose uses it before the mail exists; the picker above wraps it for an activity. */
export function RegardingSearch({ onPick, onCancel, pending = false, error = null }: { onPick: (r: Regarding) => void; onCancel?: () => void; pending?: boolean; error?: unknown }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), REGARDING_DEBOUNCE_MS);
  const results = useRegardingSearch(q);
  const items = results.data ?? [];
  const data = (Object.keys(groupLabels) as RegardingType[])
    .map((type) => ({ group: groupLabels[type], items: items.filter((i) => i.type === type).map((i) => ({ value: keyOf(i), label: i.label })) }))
    .filter((g) => g.items.length > 0);

  return (
    <Group align="flex-end" gap="xs">
      <Select
        label="Regarding"
        placeholder="Search opportunities, properties, work tickets"
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        // The server already filtered; show its answer as is.
        filter={({ options }) => options}
        data={data}
        nothingFoundMessage={q && results.isSuccess ? 'Nothing found' : undefined}
        onChange={(value) => {
          const picked = items.find((i) => keyOf(i) === value);
          if (picked) onPick(picked);
        }}
        disabled={pending}
        w={340}
        comboboxProps={{ withinPortal: true }}
      />
      {onCancel && (
        <Button variant="default" size="sm" onClick={onCancel}>
          Cancel
        </Button>
      )}
      <ErrorAlert error={error ?? results.error} />
    </Group>
  );
}
