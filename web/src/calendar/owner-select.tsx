/**
 * Whose calendar an appointment goes on. Made for a colleague, it is theirs (it syncs to their
 * provider calendar and they see it as their own); the person who made it can still change it.
 */
import { NativeSelect, Text } from '@mantine/core';
import { useColleagues } from '../api/users';
import { useSignedIn } from '../auth/signed-in';

function usePeople() {
  const me = useSignedIn();
  const colleagues = useColleagues();
  const others = (colleagues.data ?? []).filter((c) => c.id !== me.user.id).sort((a, b) => a.name.localeCompare(b.name));
  return { me: me.user, people: [{ id: me.user.id, name: `${me.user.name} (you)` }, ...others.map((c) => ({ id: c.id, name: c.name }))] };
}

export function OwnerSelect({ value, onChange, error }: { value: string; onChange: (userId: string) => void; error?: string | undefined }) {
  const { people } = usePeople();
  return (
    <NativeSelect
      label="Calendar"
      description="Put it on a colleague's calendar to book them; you can still change it."
      value={value}
      data={people.map((p) => ({ value: p.id, label: p.name }))}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
    />
  );
}

/** On an existing appointment: whose calendar holds it, when it is not the viewer's own. */
export function OwnerNote({ ownerUserId }: { ownerUserId: string }) {
  const { me, people } = usePeople();
  if (ownerUserId === me.id) return null;
  const name = people.find((p) => p.id === ownerUserId)?.name ?? 'a colleague';
  return <Text size="sm">On {name}&apos;s calendar.</Text>;
}
