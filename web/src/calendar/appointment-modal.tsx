/**
 * Create / edit / delete a Tandem appointment, or view one that is read-only here: events made in the
 * provider belong to their organiser there, and recurring series are made in the provider too.
 */
import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Appointment } from '../api/schemas';
import { errorFor, ErrorAlert } from '../ui/errors';
import { useDeleteAppointment, useSaveAppointment, type AppointmentInput } from './calendar-api';
import { useSignedIn } from '../auth/signed-in';
import { LockIcon } from './event-content';
import { addDays, browserTimeZone, timeZones, toLocalDate, toLocalDateTime } from './local-time';
import { OwnerNote, OwnerSelect } from './owner-select';
import { isEditable, isRecurring } from './to-events';

export interface AppointmentDraft {
  start: Date;
  end: Date;
  allDay: boolean;
}

export type AppointmentModalTarget = { mode: 'create'; draft: AppointmentDraft } | { mode: 'open'; appointment: Appointment };

interface FormState {
  subject: string;
  location: string;
  bodyText: string;
  allDay: boolean;
  start: string;
  /** Timed: the end; all-day: the last day (inclusive, as people say it). */
  end: string;
  timeZone: string;
  private: boolean;
  attendees: string;
  /** Whose calendar; only chosen when creating (the API keeps an appointment on its calendar). */
  ownerUserId: string;
}

function initialState(target: AppointmentModalTarget, meId: string): FormState {
  if (target.mode === 'create') {
    const { start, end, allDay } = target.draft;
    return {
      subject: '',
      location: '',
      bodyText: '',
      allDay,
      start: allDay ? toLocalDate(start) : toLocalDateTime(start),
      end: allDay ? addDays(toLocalDate(end), -1) : toLocalDateTime(end),
      timeZone: browserTimeZone(),
      private: false,
      attendees: '',
      ownerUserId: meId,
    };
  }
  const a = target.appointment;
  return {
    subject: a.subject,
    location: a.location ?? '',
    bodyText: a.bodyText ?? '',
    allDay: a.allDay,
    start: a.allDay ? a.startLocal.slice(0, 10) : a.startLocal.slice(0, 16),
    // The API's all-day end is exclusive (the day after the last).
    end: a.allDay ? addDays(a.endLocal.slice(0, 10), -1) : a.endLocal.slice(0, 16),
    timeZone: a.timeZone,
    private: a.sensitivity === 'private' || a.sensitivity === 'confidential',
    attendees: a.attendees.map((x) => x.email).join(', '),
    ownerUserId: a.ownerUserId,
  };
}

function toInput(f: FormState, meId: string): AppointmentInput {
  return {
    ...(f.ownerUserId !== meId ? { ownerUserId: f.ownerUserId } : {}),
    subject: f.subject.trim(),
    ...(f.location.trim() ? { location: f.location.trim() } : {}),
    ...(f.bodyText.trim() ? { bodyText: f.bodyText } : {}),
    allDay: f.allDay,
    startLocal: f.start,
    endLocal: f.allDay ? addDays(f.end, 1) : f.end,
    timeZone: f.timeZone,
    sensitivity: f.private ? 'private' : 'normal',
    attendees: f.attendees
      .split(/[,;\s]+/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((email) => ({ email })),
  };
}

export function AppointmentModal({ target, onClose }: { target: AppointmentModalTarget | null; onClose: () => void }) {
  // Keep showing the last target while the modal fades out, instead of an empty frame.
  const [shown, setShown] = useState(target);
  if (target !== null && target !== shown) setShown(target);
  const title = !shown ? '' : shown.mode === 'create' ? 'New appointment' : isEditable(shown.appointment) ? 'Edit appointment' : 'Appointment';
  return (
    <Modal opened={target !== null} onClose={onClose} onExitTransitionEnd={() => setShown(null)} title={title} size="lg">
      {shown && <AppointmentForm key={shown.mode === 'open' ? shown.appointment.id : `new-${String(shown.draft.start.getTime())}`} target={shown} onDone={onClose} />}
    </Modal>
  );
}

function ReadOnlyNotice({ appointment }: { appointment: Appointment }) {
  const why =
    appointment.origin === 'provider'
      ? 'This event was made in Outlook, Google Calendar or Exchange and is read-only in Tandem. Change it in your calendar app; Tandem picks the change up at the next sync.'
      : isRecurring(appointment)
        ? 'This is part of a recurring series. Tandem does not change series; change it in your calendar app.'
        : 'You cannot change this appointment: only the person who made it or whose calendar holds it can.';
  return (
    <Alert color="gray" role="note" title="Read-only" icon={<LockIcon />}>
      {why}
    </Alert>
  );
}

function AppointmentForm({ target, onDone }: { target: AppointmentModalTarget; onDone: () => void }) {
  const save = useSaveAppointment();
  const remove = useDeleteAppointment();
  const meId = useSignedIn().user.id;
  const [f, setF] = useState<FormState>(() => initialState(target, meId));
  const [confirmDelete, setConfirmDelete] = useState(false);
  const existing = target.mode === 'open' ? target.appointment : null;
  const readOnly = existing !== null && !isEditable(existing);
  const error = errorFor(save.error ?? remove.error);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setF((s) => ({ ...s, [key]: value }));

  function toggleAllDay(allDay: boolean) {
    setF((s) => ({
      ...s,
      allDay,
      start: allDay ? s.start.slice(0, 10) : `${s.start.slice(0, 10)}T09:00`,
      end: allDay ? s.end.slice(0, 10) : `${s.end.slice(0, 10)}T10:00`,
    }));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (readOnly) return;
    const input = toInput(f, meId);
    // An appointment stays on the calendar it was made on; PATCH takes no owner.
    if (existing) delete input.ownerUserId;
    save.mutate({ id: existing?.id ?? null, input }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={submit} noValidate aria-label={readOnly ? 'Appointment (read-only)' : 'Appointment'}>
      <Stack>
        {existing && readOnly && <ReadOnlyNotice appointment={existing} />}
        {existing && isRecurring(existing) && !readOnly && <Text size="sm">Part of a recurring series.</Text>}
        {existing && <OwnerNote ownerUserId={existing.ownerUserId} />}
        {existing?.origin === 'crm' && existing.synced === false && (
          <Text size="sm" c="dimmed" role="status">
            Waiting to be written to the calendar at the provider.
          </Text>
        )}
        {error && !error.hasFields && <ErrorAlert error={save.error ?? remove.error} title="Could not save the appointment" />}
        <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack>
            {!existing && <OwnerSelect value={f.ownerUserId} onChange={(v) => set('ownerUserId', v)} error={error?.field('ownerUserId')} />}
            <TextInput label="Subject" required value={f.subject} onChange={(e) => set('subject', e.currentTarget.value)} error={error?.field('subject')} readOnly={readOnly} />
            <TextInput label="Location" value={f.location} onChange={(e) => set('location', e.currentTarget.value)} error={error?.field('location')} readOnly={readOnly} />
            <Checkbox label="All day" checked={f.allDay} onChange={(e) => toggleAllDay(e.currentTarget.checked)} disabled={readOnly} />
            <Group grow>
              <TextInput
                label={f.allDay ? 'First day' : 'Starts'}
                type={f.allDay ? 'date' : 'datetime-local'}
                required
                value={f.start}
                onChange={(e) => set('start', e.currentTarget.value)}
                error={error?.field('startLocal')}
                readOnly={readOnly}
              />
              <TextInput
                label={f.allDay ? 'Last day' : 'Ends'}
                type={f.allDay ? 'date' : 'datetime-local'}
                required
                value={f.end}
                onChange={(e) => set('end', e.currentTarget.value)}
                error={error?.field('endLocal')}
                readOnly={readOnly}
              />
            </Group>
            {!f.allDay && (
              <Select
                label="Time zone"
                searchable
                allowDeselect={false}
                value={f.timeZone}
                data={timeZones(f.timeZone)}
                onChange={(v) => v && set('timeZone', v)}
                error={error?.field('timeZone')}
                limit={50}
              />
            )}
            <Checkbox
              label="Private"
              description="Others see only a “Private” block, whatever your calendar privacy."
              checked={f.private}
              onChange={(e) => set('private', e.currentTarget.checked)}
              disabled={readOnly}
            />
            <TextInput label="Attendees" description="Email addresses, separated by commas." value={f.attendees} onChange={(e) => set('attendees', e.currentTarget.value)} error={error?.field('attendees')} readOnly={readOnly} />
            <Textarea label="Description" autosize minRows={3} value={f.bodyText} onChange={(e) => set('bodyText', e.currentTarget.value)} error={error?.field('bodyText')} readOnly={readOnly} />
          </Stack>
        </fieldset>
        <Group justify="space-between">
          {existing && !readOnly ? (
            <Button
              color="red"
              variant={confirmDelete ? 'filled' : 'light'}
              loading={remove.isPending}
              // Deleting also removes the event from the provider's calendar (and attendees' invitations): ask twice.
              onClick={() => (confirmDelete ? remove.mutate(existing.id, { onSuccess: onDone }) : setConfirmDelete(true))}
            >
              {confirmDelete ? 'Delete for everyone' : 'Delete'}
            </Button>
          ) : (
            <span />
          )}
          <Group>
            <Button variant="default" onClick={onDone}>
              {readOnly ? 'Close' : 'Cancel'}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={save.isPending}>
                Save
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
