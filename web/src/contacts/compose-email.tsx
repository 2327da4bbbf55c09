/**
 * Compose: the mail goes out through the user's own mailbox (it lands in their Sent folder) or the
 * company's SMTP relay; it is queued first, and its status shows on the Activities tab. Regarding
 * and attachments go with it; the activity is filed on the picked Opportunity, Property or Work Ticket.
 */
import { Alert, Anchor, Badge, Button, FileInput, Group, Modal, NativeSelect, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Contact, Regarding } from '../api/schemas';
import { linkProps } from '../router';
import { errorFor, ErrorAlert } from '../ui/errors';
import { formatBytes } from '../ui/format';
import { attachmentProblem } from './attachment-files';
import { useSendEmail } from './contacts-api';
import { RegardingSearch, regardingTypeLabels } from './regarding-picker';

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
  const [regarding, setRegarding] = useState<Regarding | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const error = errorFor(send.error);
  const tooMuch = attachmentProblem(files);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (tooMuch) return;
    const ccList = cc
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((address) => ({ address }));
    const email = {
      to: [{ address: to, name: contact.name }],
      ...(ccList.length ? { cc: ccList } : {}),
      subject: subject.trim(),
      text,
      ...(regarding ? { regarding: { type: regarding.type, id: regarding.id } } : {}),
    };
    send.mutate({ email, files }, { onSuccess: onSent });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Compose email">
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
        {regarding ? (
          <Group gap="xs" role="group" aria-label="Regarding">
            <Text size="sm">Regarding:</Text>
            <Badge variant="light">{regardingTypeLabels[regarding.type]}</Badge>
            <Text size="sm" fw={500}>
              {regarding.label}
            </Text>
            <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRegarding(null)}>
              Clear Regarding
            </Button>
          </Group>
        ) : (
          <RegardingSearch onPick={setRegarding} />
        )}
        {error?.field('regarding') && (
          <Text size="sm" c="red">
            {error.field('regarding')}
          </Text>
        )}
        <FileInput
          label="Attachments"
          description="Up to 25 MB in all."
          placeholder="Choose files"
          multiple
          clearable
          value={files}
          onChange={setFiles}
          error={tooMuch ?? error?.field('attachments')}
        />
        {files.length > 0 && (
          <Text size="xs" c="dimmed" aria-label="Attached files">
            {files.map((f) => `${f.name} (${formatBytes(f.size)})`).join(', ')}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={send.isPending} disabled={!to || tooMuch !== null}>
            Send
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
