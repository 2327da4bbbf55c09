/**
 * A small authoritative DNS server for tests, on loopback and an ephemeral port (UDP, plus TCP on
 * the same port for answers too large for UDP). It serves the records a test configures: TXT (SPF,
 * DKIM, DMARC), A, AAAA, MX and SRV (service discovery, RFC 2782), answers NODATA for a name that exists without the asked type and
 * NXDOMAIN for a name that does not exist at all (RFC 1035 4.1.1, RFC 2308). It can also answer
 * SERVFAIL or stay silent, which is how tests reach "the DNS server did not answer".
 *
 * Written on node:dgram / node:net with a tiny wire encoder rather than a package: tests need only
 * these few record types, and nothing has to be installed on a fresh CI machine.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { isIPv4, isIPv6 } from 'node:net';

export interface MxRecord {
  priority: number;
  exchange: string;
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  /** "." says the service is decidedly not offered at the domain (RFC 2782). */
  target: string;
}

/** Records of one name. A TXT record is one string, or several strings (RFC 1035 3.3.14 chunks). */
export interface NameRecords {
  TXT?: (string | string[])[];
  A?: string[];
  AAAA?: string[];
  MX?: MxRecord[];
  SRV?: SrvRecord[];
}

/** Records by owner name (case-insensitive, with or without the trailing dot). */
export type DnsZone = Record<string, NameRecords>;

export type DnsServerMode = 'answer' | 'servfail' | 'silent';

export interface DnsQueryLog {
  name: string;
  type: string;
}

export interface TestDnsServer {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:<port>", ready for node:dns Resolver#setServers. */
  readonly address: string;
  /** Replaces every record. */
  setZone(zone: DnsZone): void;
  /** Adds or replaces the records of the given names. */
  addRecords(zone: DnsZone): void;
  setMode(mode: DnsServerMode): void;
  /** Every question received, in order. */
  readonly queries: readonly DnsQueryLog[];
  close(): Promise<void>;
}

const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41 } as const;
const typeNames = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3 } as const;

/** Classic DNS-over-UDP size without EDNS (RFC 1035 4.2.1). */
const UDP_LIMIT = 512;

interface Question {
  id: number;
  flags: number;
  name: string;
  type: number;
  /** The question section as received, echoed back. */
  questionBytes: Buffer;
  /** Largest UDP answer the client accepts (EDNS0 OPT, RFC 6891 6.2.3). */
  udpSize: number;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function encodeName(name: string): Buffer {
  const parts = normalize(name)
    .split('.')
    .filter((l) => l.length > 0);
  const bufs = parts.map((label) => {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length > 63) throw new Error(`DNS label too long: ${label}`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...bufs, Buffer.from([0])]);
}

function encodeIPv4(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

function encodeIPv6(ip: string): Buffer {
  const [head = '', tail] = ip.split('::');
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const zeros = Array.from({ length: 8 - h.length - t.length }, () => '0');
  const all = tail === undefined ? h : [...h, ...zeros, ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** TXT strings longer than 255 octets are split, as a zone file would need them (RFC 1035 3.3.14). */
function encodeTxt(value: string | string[]): Buffer {
  const strings = typeof value === 'string' ? splitTxt(value) : value;
  return Buffer.concat(
    strings.map((s) => {
      const bytes = Buffer.from(s, 'utf8');
      if (bytes.length > 255) throw new Error('TXT character-string longer than 255 octets');
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    }),
  );
}

function splitTxt(value: string): string[] {
  if (value.length === 0) return [''];
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(value.slice(i, i + 255));
  return out;
}

function rr(type: number, ttl: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question name at offset 12
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function answersFor(records: NameRecords, type: number): Buffer[] {
  const ttl = 60;
  switch (type) {
    case TYPE.TXT:
      return (records.TXT ?? []).map((v) => rr(TYPE.TXT, ttl, encodeTxt(v)));
    case TYPE.A:
      return (records.A ?? []).filter((ip) => isIPv4(ip)).map((ip) => rr(TYPE.A, ttl, encodeIPv4(ip)));
    case TYPE.AAAA:
      return (records.AAAA ?? []).filter((ip) => isIPv6(ip)).map((ip) => rr(TYPE.AAAA, ttl, encodeIPv6(ip)));
    case TYPE.MX:
      return (records.MX ?? []).map((mx) => {
        const pref = Buffer.alloc(2);
        pref.writeUInt16BE(mx.priority, 0);
        return rr(TYPE.MX, ttl, Buffer.concat([pref, encodeName(mx.exchange)]));
      });
    case TYPE.SRV:
      return (records.SRV ?? []).map((srv) => {
        const fixed = Buffer.alloc(6);
        fixed.writeUInt16BE(srv.priority, 0);
        fixed.writeUInt16BE(srv.weight, 2);
        fixed.writeUInt16BE(srv.port, 4);
        return rr(TYPE.SRV, ttl, Buffer.concat([fixed, encodeName(srv.target)]));
      });
    default:
      return [];
  }
}

function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  for (;;) {
    const len = buf.readUInt8(pos);
    if (len === 0) return { name: labels.join('.'), end: pos + 1 };
    // Questions never use compression pointers; anything else is a malformed query.
    if ((len & 0xc0) !== 0) throw new Error('compressed name in question');
    labels.push(buf.toString('ascii', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

function parseQuery(buf: Buffer): Question {
  if (buf.length < 12) throw new Error('short DNS message');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qdcount = buf.readUInt16BE(4);
  const arcount = buf.readUInt16BE(10);
  if (qdcount !== 1) throw new Error('expected exactly one question');
  const { name, end } = readName(buf, 12);
  const type = buf.readUInt16BE(end);
  const questionEnd = end + 4;
  let udpSize = UDP_LIMIT;
  if (arcount > 0 && buf.length >= questionEnd + 11 && buf.readUInt8(questionEnd) === 0) {
    // An OPT pseudo-record has the root name, type 41 and the UDP payload size in its class field.
    if (buf.readUInt16BE(questionEnd + 1) === TYPE.OPT) udpSize = Math.max(UDP_LIMIT, buf.readUInt16BE(questionEnd + 3));
  }
  return { id, flags, name: normalize(name), type, questionBytes: buf.subarray(12, questionEnd), udpSize };
}

function buildResponse(q: Question, rcode: number, answers: Buffer[], truncated = false): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(q.id, 0);
  // QR=1, opcode copied, AA=1, TC as needed, RD copied, RA=0, rcode.
  const flags = 0x8000 | (q.flags & 0x7800) | 0x0400 | (truncated ? 0x0200 : 0) | (q.flags & 0x0100) | rcode;
  head.writeUInt16BE(flags, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(truncated ? 0 : answers.length, 6);
  return Buffer.concat([head, q.questionBytes, ...(truncated ? [] : answers)]);
}

export async function startDnsServer(initial: DnsZone = {}): Promise<TestDnsServer> {
  let zone = new Map<string, NameRecords>();
  let mode: DnsServerMode = 'answer';
  const queries: DnsQueryLog[] = [];

  const setZone = (z: DnsZone): void => {
    zone = new Map(Object.entries(z).map(([k, v]) => [normalize(k), v]));
  };
  setZone(initial);

  /** A name exists when it owns records or is an ancestor of a name that does (empty non-terminal). */
  const exists = (name: string): boolean => {
    for (const owner of zone.keys()) if (owner === name || owner.endsWith(`.${name}`)) return true;
    return false;
  };

  const answer = (msg: Buffer, maxSize: number | 'tcp'): Buffer | null => {
    let q: Question;
    try {
      q = parseQuery(msg);
    } catch {
      if (msg.length < 12) return null;
      const head = Buffer.alloc(12);
      head.writeUInt16BE(msg.readUInt16BE(0), 0);
      head.writeUInt16BE(0x8000 | RCODE.FORMERR, 2);
      return head;
    }
    queries.push({ name: q.name, type: typeNames.get(q.type) ?? String(q.type) });
    if (mode === 'silent') return null;
    if (mode === 'servfail') return buildResponse(q, RCODE.SERVFAIL, []);
    const records = zone.get(q.name);
    if (!records && !exists(q.name)) return buildResponse(q, RCODE.NXDOMAIN, []);
    const answers = records ? answersFor(records, q.type) : [];
    const full = buildResponse(q, RCODE.NOERROR, answers);
    const limit = maxSize === 'tcp' ? Infinity : Math.max(maxSize, q.udpSize);
    // Too big for UDP: set TC so the client asks again over TCP (RFC 1035 4.2.1, RFC 7766).
    return full.length > limit ? buildResponse(q, RCODE.NOERROR, answers, true) : full;
  };

  const { udp, tcp, port } = await bindBoth((msg, reply) => {
    const out = answer(msg, UDP_LIMIT);
    if (out) reply(out);
  }, answer);

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    setZone,
    addRecords(z) {
      for (const [k, v] of Object.entries(z)) zone.set(normalize(k), v);
    },
    setMode(m) {
      mode = m;
    },
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        udp.close(() => tcp.close(() => resolve()));
      }),
  };
}

type UdpHandler = (msg: Buffer, reply: (out: Buffer) => void) => void;
type TcpAnswer = (msg: Buffer, maxSize: 'tcp') => Buffer | null;

/** Binds UDP on an ephemeral port, then TCP on the same number; retries if TCP finds it taken. */
async function bindBoth(onUdp: UdpHandler, onTcp: TcpAnswer): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    udp.on('message', (msg, rinfo) => onUdp(msg, (out) => udp.send(out, rinfo.port, rinfo.address)));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, '127.0.0.1', () => resolve());
    });
    const port = udp.address().port;
    const tcp = createServer((sock) => serveTcp(sock, onTcp));
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { udp, tcp, port };
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  throw new Error('could not bind a DNS test server on loopback');
}

/** DNS over TCP: each message is preceded by its two-byte length (RFC 1035 4.2.2). */
function serveTcp(sock: TcpSocket, onTcp: TcpAnswer): void {
  let pending = Buffer.alloc(0);
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const len = pending.readUInt16BE(0);
      if (pending.length < 2 + len) return;
      const msg = pending.subarray(2, 2 + len);
      pending = pending.subarray(2 + len);
      const out = onTcp(msg, 'tcp');
      if (!out) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(out.length, 0);
      sock.write(Buffer.concat([prefix, out]));
    }
  });
}
