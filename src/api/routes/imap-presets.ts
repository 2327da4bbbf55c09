/**
 * User Settings → "Other mailbox (IMAP)": the server's presets for common hosts (providers/imap/presets.ts),
 * so the connect form fills itself from the same data the provider uses and the web code keeps no copy.
 * Public knowledge about public hosts; still behind a session like the rest of Settings.
 */
import { z } from 'zod';
import { imapPresets } from '../../providers/imap/presets';
import { route, type RouteDef } from '../route';

const serverView = z.object({ host: z.string(), port: z.number().int(), secure: z.boolean() });

export const imapPresetsView = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      domains: z.array(z.string()),
      imap: serverView,
      smtp: serverView,
      caldavUrl: z.string(),
      appPasswordNote: z.string(),
      appPasswordUrl: z.string(),
    }),
  ),
});

export function imapPresetRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      url: '/api/settings/sync/imap-presets',
      summary: 'Connect settings of common IMAP/SMTP + CalDAV hosts (Fastmail, iCloud, Zoho, Yahoo) for the connect form',
      tags: ['settings'],
      auth: 'session',
      response: imapPresetsView,
      async handler() {
        return {
          items: imapPresets.map((p) => ({
            id: p.id,
            name: p.name,
            domains: p.domains,
            imap: p.imap,
            smtp: p.smtp,
            caldavUrl: p.caldavUrl,
            appPasswordNote: p.appPasswordNote,
            appPasswordUrl: p.appPasswordUrl,
          })),
        };
      },
    }),
  ];
}
