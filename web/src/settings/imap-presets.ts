/** The server's presets for common IMAP/SMTP + CalDAV hosts (GET /api/settings/sync/imap-presets). */
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { useApi } from '../api/api-context';

const serverSchema = z.object({ host: z.string(), port: z.number(), secure: z.boolean() });

export const imapPresetSchema = z.object({
  id: z.string(),
  name: z.string(),
  domains: z.array(z.string()),
  imap: serverSchema,
  smtp: serverSchema,
  caldavUrl: z.string(),
  appPasswordNote: z.string(),
  appPasswordUrl: z.string(),
});
export type ImapPreset = z.infer<typeof imapPresetSchema>;

const presetsSchema = z.object({ items: z.array(imapPresetSchema) });

export function useImapPresets() {
  const api = useApi();
  // Data shipped with the server: it does not change while the page is open.
  return useQuery({ queryKey: ['settings', 'imap-presets'], queryFn: async () => (await api.get('/api/settings/sync/imap-presets', presetsSchema)).items, staleTime: Infinity });
}

/** The preset for an address's domain, if any (the server's domains list, matched case-insensitively). */
export function presetForAddress(presets: readonly ImapPreset[], address: string): ImapPreset | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const domain = address.slice(at + 1).trim().toLowerCase();
  return presets.find((p) => p.domains.includes(domain));
}
