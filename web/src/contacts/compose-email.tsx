/**
 * Compose: the mail goes out through the user's own mailbox (it lands in their Sent folder) or the
 * company's SMTP relay; it is queued first, and its status shows on the Activities tab.
 */
import { Alert, Anchor, Button, Group, Modal, NativeSelect, Stack, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Contact } from '../api/schemas';
import { linkProps } from '../router';
import { errorFor, ErrorAlert } from '../ui/errors';
import { useSendEmail } from './contacts-api';

export function ComposeEmailModal({ contact, opened, onClose }: { contact: Contact; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Email ${contact.name}`} size="lg">
      {opened && <ComposeForm contact={contact} onSent={onClose} />}
    </Modal>
  );
}

function ComposeForm({ contact, onSent }: { contact: Contact; onSent: () => void }) {
  const send = useSendEmail();
  const [to, setTo] = useState(contact.emails[0] ?? '');
  const [cc, setCc] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const error = errorFor(send.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    const ccList = cc
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((address) => ({ address }));
    send.mutate({ to: [{ address: to, name: contact.name }], ...(ccList.length ? { cc: ccList } : {}), subject: subject.trim(), text }, { onSuccess: onSent });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error?.code === 'not_connected' ? (
          <Alert color="orange" role="alert" title="No mailbox to send from">
            {error.message} <Anchor {...linkProps('/settings/sync')}>Open User Settings → Sync</Anchor>
          </Alert>
        ) : (
          error && !error.hasFields && <ErrorAlert error={send.error} title="Could not send" />
        )}
        {contact.emails.length > 1 ? (
          <NativeSelect label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} data={contact.emails} error={error?.field('to.0.address')} />
        ) : (
          <TextInput label="To" type="email" required value={to} onChange={(e) => setTo(e.currentTarget.value)} error={error?.field('to.0.address')} />
        )}
        <TextInput label="Cc" description="Separate addresses with commas." value={cc} onChange={(e) => setCc(e.currentTarget.value)} error={error?.field('cc.0.address')} />
        <TextInput label="Subject" required value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={error?.field('subject')} />
        <Textarea label="Message" autosize minRows={6} value={text} onChange={(e) => setText(e.currentTarget.value)} error={error?.field('text')} />
        <Group justify="flex-end">
          <Button type="submit" loading={send.isPending} disabled={!to}>
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
