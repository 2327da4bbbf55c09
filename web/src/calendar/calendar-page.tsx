/**
 * Calendar: FullCalendar day / week / month / list views over the user's own calendar and the
 * colleagues they pick. Colleagues' Private calendars arrive from the API as busy blocks.
 */
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import listPlugin from '@fullcalendar/react/list';
import classicTheme from '@fullcalendar/react/themes/classic';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import { Box, Button, Checkbox, ColorSwatch, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useColleagues } from '../api/users';
import { useSignedIn } from '../auth/signed-in';
import { ErrorAlert } from '../ui/errors';
import { AppointmentModal, type AppointmentModalTarget } from './appointment-modal';
import { useAppointments, type Range } from './calendar-api';
import { EventContent } from './event-content';
import { calendarColors, metaOf, toEvents } from './to-events';

export type CalendarView = 'timeGridDay' | 'timeGridWeek' | 'dayGridMonth' | 'listWeek';

export interface CalendarPageProps {
  /** The date shown first (today unless given); tests pin it. */
  initialDate?: Date | string;
  initialView?: CalendarView;
}

const plugins = [classicTheme, dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin];

export function CalendarPage({ initialDate, initialView = 'timeGridWeek' }: CalendarPageProps) {
  const me = useSignedIn();
  const colleagues = useColleagues();
  const [range, setRange] = useState<Range | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [target, setTarget] = useState<AppointmentModalTarget | null>(null);

  // Own calendar first, then colleagues alphabetically; each keeps one color.
  const people = useMemo(() => {
    const others = (colleagues.data ?? []).filter((c) => c.id !== me.user.id).sort((a, b) => a.name.localeCompare(b.name));
    return [
      { id: me.user.id, name: `${me.user.name} (you)`, private: false },
      ...others.map((c) => ({ id: c.id, name: c.name, private: c.calendarPrivacy === 'private' })),
    ];
  }, [colleagues.data, me.user]);
  const colorOf = (userId: string) => calendarColors[Math.max(0, people.findIndex((p) => p.id === userId)) % calendarColors.length] ?? '#1c7ed6';
  const shown = people.filter((p) => !hidden.has(p.id)).map((p) => p.id);
  const appointments = useAppointments(range, shown);
  const events = toEvents(appointments.data ?? [], colorOf);

  function toggle(id: string, on: boolean) {
    setHidden((h) => {
      const next = new Set(h);
      if (on) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  const now = new Date();
  const hour = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours() + 1);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Calendar
        </Title>
        <Button onClick={() => setTarget({ mode: 'create', draft: { start: hour, end: new Date(hour.getTime() + 3600_000), allDay: false } })}>New appointment</Button>
      </Group>
      <ErrorAlert error={appointments.error ?? colleagues.error} title="Could not load the calendar" />
      <Grid>
        <Grid.Col span={{ base: 12, md: 2 }}>
          <Stack gap="xs" component="section" aria-label="Calendars">
            <Text fw={600} size="sm">
              Calendars
            </Text>
            {people.map((p) => (
              <Checkbox
                key={p.id}
                checked={!hidden.has(p.id)}
                onChange={(e) => toggle(p.id, e.currentTarget.checked)}
                label={
                  <Group gap={6} wrap="nowrap">
                    <ColorSwatch color={colorOf(p.id)} size={10} aria-hidden />
                    <span>{p.name}</span>
                    {p.private && (
                      <Text span size="xs" c="dimmed">
                        (private)
                      </Text>
                    )}
                  </Group>
                }
              />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 10 }}>
          <Box aria-label="Calendar grid" component="section">
            <FullCalendar
              plugins={plugins}
              initialView={initialView}
              {...(initialDate ? { initialDate } : {})}
              headerToolbar={{ start: 'prev,next today', center: 'title', end: 'timeGridDay,timeGridWeek,dayGridMonth,listWeek' }}
              height={760}
              nowIndicator
              scrollTime="07:00:00"
              selectable
              selectMirror
              events={events}
              eventContent={(info) => <EventContent event={info.event} timeText={info.timeText} />}
              datesSet={(info) => setRange((r) => (r?.from === info.start.toISOString() && r.to === info.end.toISOString() ? r : { from: info.start.toISOString(), to: info.end.toISOString() }))}
              select={(info) => setTarget({ mode: 'create', draft: { start: info.start, end: info.end, allDay: info.allDay } })}
              eventClick={(info) => {
                const meta = metaOf(info.event.extendedProps);
                // A busy block has nothing more to show.
                if (meta?.kind === 'full') setTarget({ mode: 'open', appointment: meta.appointment });
              }}
            />
          </Box>
        </Grid.Col>
      </Grid>
      <AppointmentModal target={target} onClose={() => setTarget(null)} />
    </Stack>
  );
}
