/**
 * Unmatched mail: messages moved into the Tandem folder whose addresses match no contact wait here
 * until the user files them to a contact they pick or create.
 */
import { Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { Activity } from '../api/schemas';
import { ActivityCard } from '../contacts/activity-card';
import { ContactFormModal } from '../contacts/contact-form-modal';
import { ContactPicker } from '../contacts/contact-picker';
import { ErrorAlert } from '../ui/errors';
import { useFileActivity, useUnmatched } from './unmatched-api';

export function UnmatchedPage() {
  const unmatched = useUnmatched();
  const items = unmatched.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1} size="h2">
        Unmatched mail
      </Title>
      <Text c="dimmed" size="sm">
        Mail you moved into your Tandem folder whose addresses match no contact. File each one to a contact, or create the contact.
      </Text>
      <ErrorAlert error={unmatched.error} title="Could not load unmatched mail" />
      {unmatched.isPending && <Loader aria-label="Loading unmatched mail" />}
      {unmatched.data && items.length === 0 && <Text>Nothing waiting: every captured message found its contact.</Text>}
      {items.map((a) => (
        <ActivityCard key={a.id} activity={a} actions={<FileToContact activity={a} />} />
      ))}
      {unmatched.hasNextPage && (
        <Button variant="default" w="fit-content" loading={unmatched.isFetchingNextPage} onClick={() => void unmatched.fetchNextPage()}>
          Load more
        </Button>
      )}
    </Stack>
  );
}

function FileToContact({ activity }: { activity: Activity }) {
  const file = useFileActivity();
  const [creating, setCreating] = useState(false);
  const fileTo = (contactId: string) => file.mutate({ activityId: activity.id, contactIds: [contactId] });
  // Incoming mail is usually about its sender; outgoing about its first recipient.
  const party = activity.direction === 'outbound' ? activity.to[0] : (activity.from ?? activity.to[0]);

  return (
    <Stack gap="xs">
      <Group align="flex-end" gap="xs">
        <ContactPicker label="File to contact" onPick={(c) => fileTo(c.id)} disabled={file.isPending} />
        <Button variant="default" onClick={() => setCreating(true)} disabled={file.isPending}>
          Create contact
        </Button>
      </Group>
      <ErrorAlert error={file.error} title="Could not file the message" />
      <ContactFormModal
        opened={creating}
        onClose={() => setCreating(false)}
        initial={{ name: party?.name ?? '', email: party?.address ?? '' }}
        onCreated={(c) => {
          setCreating(false);
          fileTo(c.id);
        }}
      />
    </Stack>
  );
}
