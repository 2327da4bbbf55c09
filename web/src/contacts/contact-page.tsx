export function ContactPage(_props: { contactId?: string }) { return null; }
