export function CalendarPage(_props: { contactId?: string }) { return null; }
