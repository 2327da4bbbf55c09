/** The people a Private calendar is shared with: they see details, everyone else sees "Private" blocks. */
import { Button, Group, List, NativeSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useSignedIn } from '../auth/signed-in';
import { ErrorAlert } from '../ui/errors';
import { useColleagues } from '../api/users';
import { useShareChange, useShares } from './sync-api';

export function CalendarShares() {
  const me = useSignedIn();
  const shares = useShares();
  const colleagues = useColleagues();
  const change = useShareChange();
  const [pick, setPick] = useState('');
  const sharedIds = new Set((shares.data ?? []).map((s) => s.userId));
  const candidates = (colleagues.data ?? []).filter((c) => c.id !== me.user.id && !sharedIds.has(c.id));

  return (
    <Stack gap="xs" component="section" aria-label="Shared with">
      <Text size="sm" fw={500}>
        Shared with
      </Text>
      {shares.data && shares.data.length === 0 && (
        <Text size="sm" c="dimmed">
          Nobody yet: colleagues see your appointments as Private blocks.
        </Text>
      )}
      <List listStyleType="none" spacing={4}>
        {(shares.data ?? []).map((s) => (
          <List.Item key={s.userId}>
            <Group gap="xs">
              <Text size="sm">{s.name}</Text>
              <Button
                size="compact-xs"
                variant="subtle"
                color="red"
                aria-label={`Stop sharing with ${s.name}`}
                onClick={() => change.mutate({ userId: s.userId, shared: false })}
              >
                Remove
              </Button>
            </Group>
          </List.Item>
        ))}
      </List>
      <Group align="flex-end" gap="xs">
        <NativeSelect
          label="Share with"
          value={pick}
          onChange={(e) => setPick(e.currentTarget.value)}
          data={[{ value: '', label: 'Choose a colleague…' }, ...candidates.map((c) => ({ value: c.id, label: c.name }))]}
        />
        <Button
          variant="default"
          disabled={!pick}
          loading={change.isPending}
          onClick={() => change.mutate({ userId: pick, shared: true }, { onSuccess: () => setPick('') })}
        >
          Add
        </Button>
      </Group>
      <ErrorAlert error={change.error} />
    </Stack>
  );
}
