/**
 * Shows a message body. The HTML is sanitized by the server already; it is still rendered in an
 * iframe with an empty sandbox (no scripts, no forms, no top navigation, a unique origin) and a CSP
 * that blocks remote loads, so tracking pixels and anything the sanitizer missed stay inert.
 */
import { Text } from '@mantine/core';

const csp = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; font-src data:";

export function messageDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>body{font-family:system-ui,sans-serif;font-size:14px;margin:8px;overflow-wrap:anywhere}</style></head><body>${html}</body></html>`;
}

export function MessageFrame({ html, text, title }: { html: string | null; text: string | null; title: string }) {
  if (html) {
    return <iframe title={title} sandbox="" srcDoc={messageDocument(html)} style={{ width: '100%', minHeight: 240, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} />;
  }
  return (
    <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }} aria-label={title}>
      {text ?? '(no text)'}
    </Text>
  );
}
