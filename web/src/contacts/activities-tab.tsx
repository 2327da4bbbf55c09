/** A contact's emails and appointments, newest first, a page at a time. */
import { Button, Loader, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../ui/errors';
import { ActivityCard } from './activity-card';
import { useActivities } from './contacts-api';

export function ActivitiesTab({ contactId }: { contactId: string }) {
  const activities = useActivities(contactId);
  // The API pages newest first; sorting the union keeps that true even if a new item arrived between pages.
  const seen = new Set<string>();
  const items = (activities.data?.pages.flatMap((p) => p.items) ?? [])
    .filter((a) => (seen.has(a.id) ? false : (seen.add(a.id), true)))
    .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));

  return (
    <Stack>
      <ErrorAlert error={activities.error} title="Could not load activities" />
      {activities.isPending && <Loader aria-label="Loading activities" />}
      {activities.data && items.length === 0 && <Text c="dimmed">No activities yet. Mail you move into your Tandem folder appears here.</Text>}
      {items.map((a) => (
        <ActivityCard key={a.id} activity={a} />
      ))}
      {activities.hasNextPage && (
        <Button variant="default" w="fit-content" loading={activities.isFetchingNextPage} onClick={() => void activities.fetchNextPage()}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
