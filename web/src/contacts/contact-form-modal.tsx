/** A small "new contact" form, used from the contacts list and when filing unmatched mail. */
import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Contact } from '../api/schemas';
import { errorFor, ErrorAlert } from '../ui/errors';
import { useCreateContact } from './contacts-api';

export interface ContactFormModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (contact: Contact) => void;
  initial?: { name?: string; email?: string };
}

export function ContactFormModal({ opened, onClose, onCreated, initial }: ContactFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="New contact">
      {/* Remounted per opening so the fields start from `initial` each time. */}
      {opened && <ContactForm onCreated={onCreated} onCancel={onClose} initial={initial} />}
    </Modal>
  );
}

function ContactForm({ onCreated, onCancel, initial }: { onCreated: (c: Contact) => void; onCancel: () => void; initial: ContactFormModalProps['initial'] }) {
  const create = useCreateContact();
  const [name, setName] = useState(initial?.name ?? '');
  const [companyName, setCompanyName] = useState('');
  const [email, setEmail] = useState(initial?.email ?? '');
  const [phone, setPhone] = useState('');
  const error = errorFor(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        emails: email.trim() ? [email.trim()] : [],
        ...(companyName.trim() ? { companyName: companyName.trim() } : {}),
        ...(phone.trim() ? { phone: phone.trim() } : {}),
      },
      { onSuccess: onCreated },
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error && !error.hasFields && <ErrorAlert error={create.error} title="Could not create the contact" />}
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={error?.field('name')} data-autofocus />
        <TextInput label="Company" value={companyName} onChange={(e) => setCompanyName(e.currentTarget.value)} error={error?.field('companyName')} />
        <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={error?.field('emails.0')} />
        <TextInput label="Phone" type="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={error?.field('phone')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create contact
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
