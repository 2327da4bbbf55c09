/** Files picked in Compose → the API's base64 attachments, within the server's limit (checked here first to say so at once). */
import type { OutgoingAttachment } from './contacts-api';

/** The server refuses more than this in one mail (src/sync/capture/blob-store.ts defaultMaxAttachmentBytes). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;

export function attachmentProblem(files: File[]): string | null {
  if (files.length > MAX_ATTACHMENTS) return `At most ${MAX_ATTACHMENTS} files in one mail.`;
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_ATTACHMENT_BYTES) return `Together the files are ${(total / 1024 / 1024).toFixed(1)} MB; one mail can carry at most 25 MB.`;
  return null;
}

function toBase64(bytes: Uint8Array): string {
  // btoa takes a binary string; build it in slices so a large file does not overflow the call stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function toAttachments(files: File[]): Promise<OutgoingAttachment[]> {
  return Promise.all(
    files.map(async (f) => ({ filename: f.name, contentType: f.type || 'application/octet-stream', contentBase64: toBase64(new Uint8Array(await f.arrayBuffer())) })),
  );
}
