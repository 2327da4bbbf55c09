/**
 * Vocabulary for seeded mail and calendars of a landscaping / field-service business: customers,
 * co-workers, subjects and sentences, in English plus German, Spanish and Japanese so the seeded
 * headers exercise RFC 2047 and the bodies exercise UTF-8.
 */
import { pick, type Random } from './random';
import type { SeedAddress } from './seed-mime';

export const companyDomain = 'greenleaf.example';

export const coworkers: readonly SeedAddress[] = [
  { name: 'Ava Thompson', address: 'ava@greenleaf.example' },
  { name: 'Ben Okafor', address: 'ben@greenleaf.example' },
  { name: 'Cara Lindqvist', address: 'cara@greenleaf.example' },
  { name: 'Dispatch', address: 'dispatch@greenleaf.example' },
  { name: 'Greenleaf Office', address: 'office@greenleaf.example' },
];

/** Customers and suppliers; names deliberately include non-ASCII and RFC 5322 specials. */
export const customers: readonly SeedAddress[] = [
  { name: 'Margaret Ellis', address: 'margaret.ellis@oakridge-hoa.example' },
  { name: 'Tom O\'Brien', address: 'tom@obrien-properties.example' },
  { name: 'Jürgen Müller', address: 'j.mueller@gartenbau-mueller.example' },
  { name: 'Größe, Lena', address: 'lena.groesse@stadtwerke-nord.example' },
  { name: 'José Muñoz', address: 'jose.munoz@viveros-sol.example' },
  { name: 'Ana Peña Ibáñez', address: 'ana.pena@riego-levante.example' },
  { name: '田中 太郎', address: 'tanaka@niwa-design.example' },
  { name: '佐藤 花子', address: 'hanako.sato@midori-kanri.example' },
  { name: 'Priya Raman', address: 'priya@maplecourt-apartments.example' },
  { name: 'Riverside Office Park', address: 'facilities@riverside-park.example' },
  { name: 'Dr. Samuel Greene', address: 'sgreene@greene-dental.example' },
  { name: 'Chloé Durand', address: 'chloe.durand@bellevue-residences.example' },
  { name: 'Hillcrest Church', address: 'admin@hillcrest-church.example' },
  { name: 'Marcus Webb', address: 'marcus@webb-irrigation.example' },
  { name: 'Sofía Herrera', address: 'sofia@herrera-floral.example' },
  { name: 'Lakeside Supply Co.', address: 'orders@lakeside-supply.example' },
];

export interface SubjectLine {
  text: string;
  lang: 'en' | 'de' | 'es' | 'ja';
}

export const subjects: readonly SubjectLine[] = [
  { text: 'Quote request: spring cleanup and mulch', lang: 'en' },
  { text: 'Irrigation leak by the north entrance', lang: 'en' },
  { text: 'Invoice #4821 for October maintenance', lang: 'en' },
  { text: 'Can we move Thursday\'s mowing to Friday?', lang: 'en' },
  { text: 'Tree removal estimate — 2 oaks, back lot', lang: 'en' },
  { text: 'Snow plowing contract for the winter season', lang: 'en' },
  { text: 'Photos of the drainage problem', lang: 'en' },
  { text: 'Work ticket 1172: sprinkler heads replaced', lang: 'en' },
  { text: 'Hedge trimming schedule for the HOA', lang: 'en' },
  { text: 'Signed proposal attached', lang: 'en' },
  { text: 'Angebot für Gartenpflege – Größe der Fläche prüfen', lang: 'de' },
  { text: 'Rückfrage zur Rechnung Nr. 2291 (Bewässerung)', lang: 'de' },
  { text: 'Presupuesto de poda y jardinería – año 2027', lang: 'es' },
  { text: '¿Podemos cambiar la cita del miércoles?', lang: 'es' },
  { text: '庭園メンテナンスのお見積もりについて', lang: 'ja' },
  { text: '来週の剪定作業の日程確認', lang: 'ja' },
];

const sentences: Record<SubjectLine['lang'], readonly string[]> = {
  en: [
    'The crew finished the front beds this morning and hauled away the clippings.',
    'We noticed two sprinkler heads in zone 4 are spraying onto the sidewalk.',
    'Could you send over a revised quote that includes the extra mulch?',
    'The gate code has changed, the new one is on the work ticket.',
    'Our board meets on the 12th and would like a proposal before then.',
    'Please avoid mowing before 8 a.m. because of the noise complaints.',
    'Attached are the photos of the standing water near the parking lot.',
    'The invoice total does not match the estimate we approved in September.',
    'We would like to add weekly leaf pickup through the end of November.',
    'The backflow preventer needs its annual test before the city deadline.',
    'Let me know which day works for a walk-through of the property.',
    'The new plantings along the fence line look great, thank you.',
    'One of the oaks has a split trunk and is leaning toward the garage.',
    'We are comparing three bids, so a quick answer would help.',
  ],
  de: [
    'Die Hecke entlang der Einfahrt müsste vor dem Winter noch geschnitten werden.',
    'Können Sie uns bitte ein Angebot für die Pflege der Grünflächen schicken?',
    'Die Bewässerung im hinteren Garten läuft seit Dienstag nicht mehr.',
    'Vielen Dank für die schnelle Erledigung, die Anlage sieht großartig aus.',
  ],
  es: [
    'El sistema de riego de la zona sur pierde agua desde el lunes.',
    'Nos gustaría recibir un presupuesto para la poda de los árboles.',
    '¿Pueden venir el jueves por la mañana en lugar del miércoles?',
    'Muchas gracias por el buen trabajo en el jardín de la entrada.',
  ],
  ja: [
    '来週の火曜日に剪定作業をお願いできますでしょうか。',
    '駐車場の横の排水がうまくいっていないようです。',
    'お見積もりの金額について確認させてください。',
    'いつも丁寧な作業をありがとうございます。',
  ],
};

export const locations: readonly string[] = [
  '14 Oakridge Drive, Springfield',
  'Riverside Office Park, Building C',
  'Maple Court Apartments — clubhouse',
  'Hillcrest Church parking lot',
  'Gärtnerei Müller, Hauptstraße 5',
  'Vivero Sol, Calle Mayor 12',
  'Greenleaf yard',
  '',
];

export const eventTitles: readonly string[] = [
  'Site visit: spring cleanup estimate',
  'Irrigation repair',
  'Weekly mowing — Oakridge HOA',
  'Crew stand-up',
  'Tree removal',
  'Quote review with customer',
  'Snow plowing readiness check',
  'Backflow test',
  'Besichtigung Gartenanlage',
  'Visita: poda de árboles',
  '庭園メンテナンス打ち合わせ',
];

export function sentence(rnd: Random, lang: SubjectLine['lang']): string {
  return pick(rnd, sentences[lang]);
}

/** `count` sentences, never the same one twice in a row. */
export function paragraph(rnd: Random, lang: SubjectLine['lang'], count: number): string {
  const out: string[] = [];
  while (out.length < count) {
    const next = sentence(rnd, lang);
    if (next !== out[out.length - 1]) out.push(next);
  }
  return out.join(' ');
}

/** Fills `n` bytes from a seeded xorshift32 stream — quick enough for megabytes of attachments. */
export function pseudoRandomBytes(rnd: Random, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = Math.floor(rnd() * 0xffffffff) | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bytes that start and end like a PDF so content sniffers and viewers treat them as one. */
export function pdfLike(rnd: Random, size: number): Uint8Array {
  const head = new TextEncoder().encode('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');
  const tail = new TextEncoder().encode('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  const body = pseudoRandomBytes(rnd, Math.max(0, size - head.length - tail.length));
  const out = new Uint8Array(head.length + body.length + tail.length);
  out.set(head, 0);
  out.set(body, head.length);
  out.set(tail, head.length + body.length);
  return out;
}

/** JPEG SOI + JFIF APP0 marker ... EOI, random entropy-coded data between. */
export function jpegLike(rnd: Random, size: number): Uint8Array {
  const head = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]);
  const body = pseudoRandomBytes(rnd, Math.max(0, size - head.length - 2));
  const out = new Uint8Array(head.length + body.length + 2);
  out.set(head, 0);
  out.set(body, head.length);
  out.set([0xff, 0xd9], head.length + body.length);
  return out;
}

/** "Name <addr>" or a bare address → SeedAddress; bare addresses get a name from the local part. */
export function parseContact(entry: string): SeedAddress {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(entry);
  if (m && m[2]) return { name: (m[1] ?? '').replace(/^"|"$/g, ''), address: m[2].trim() };
  const address = entry.trim();
  const local = address.split('@')[0] ?? address;
  const name = local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join(' ');
  return { name, address };
}
