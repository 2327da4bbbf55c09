/**
 * Live DKIM check: the record at <selector>._domainkey.<domain> must exist, parse, and carry our
 * public key; then a probe message signed with our private key must verify with mailauth against
 * DNS, exactly as a receiver would verify real mail.
 */
import { dkimVerify } from 'mailauth';
import type { DKIMResult, DNSResolver } from 'mailauth';
import { dnsNoAnswer, issue, recordCheck, type CheckIssue, type RecordCheck } from './check-result';
import { dkimRecordHost, publicKeyFromPrivate } from './dkim-keys';
import { parseDkimRecord } from './dkim-record';
import { signMessage, type SigningKey } from './dkim-sign';
import type { TxtLookup } from './dns-resolver';

export interface DkimCheckInput {
  key: SigningKey;
  /** TXT records at the selector host, already looked up. */
  txt: TxtLookup;
  /** The From address of the probe (normally one of the domain's senders). */
  fromAddress: string;
  resolver: DNSResolver;
  now: Date;
}

export async function checkDkim(input: DkimCheckInput): Promise<RecordCheck> {
  const { key, txt } = input;
  const host = dkimRecordHost(key.domain, key.selector);
  const ok = issue('dkim_ok', `The DKIM record at ${host} holds Tandem's key and a test signature verifies.`);
  const done = (found: string[], issues: CheckIssue[]): RecordCheck => recordCheck('dkim', host, found, issues, ok);

  if (txt.kind === 'error') return done([], [dnsNoAnswer(host, txt.code)]);
  if (txt.kind === 'none') {
    return done([], [issue('dkim_missing', `There is no DKIM record at ${host}, so receivers cannot check Tandem's signature and DMARC cannot pass on DKIM. Publish the DKIM record shown, at exactly that name.`)]);
  }
  const found = txt.values;
  if (found.length > 1) {
    return done(found, [issue('dkim_malformed', `There are ${found.length} TXT records at ${host}; receivers need exactly one key there. Delete all but the DKIM record shown.`)]);
  }
  const parsed = parseDkimRecord(found[0] ?? '');
  if (!parsed.ok) {
    const what = parsed.revoked ? 'marks the key as revoked (empty p=)' : `cannot be read: ${parsed.problems.join('; ')}`;
    return done(found, [issue('dkim_malformed', `The DKIM record at ${host} ${what}. Replace it with the value shown, copied exactly.`)]);
  }
  if (parsed.publicKeyBase64 !== publicKeyFromPrivate(key.privateKeyPem)) {
    return done(found, [issue('dkim_key_mismatch', `The DKIM record at ${host} holds a different key from Tandem's, so every message Tandem signs fails DKIM. It may be an older key or one from another service; replace the value with the one shown.`)]);
  }

  const issues: CheckIssue[] = [];
  const probe = await verifyProbe(input);
  if (probe?.status.result !== 'pass') {
    const verdict = probe?.status.result ?? 'none';
    issues.push(
      verdict === 'temperror'
        ? dnsNoAnswer(host, 'temperror')
        : issue('dkim_signature_failed', `The record holds Tandem's key, but a test message signed with it did not verify (${verdict}${probe?.status.comment ? `: ${probe.status.comment}` : ''}). Check that the record has no extra quotes or spaces.`),
    );
  }
  if (parsed.testing) {
    issues.push(issue('dkim_testing', `The DKIM record has t=y (testing), which asks receivers to treat failures leniently. Remove t=y once mail verifies.`));
  }
  return done(found, issues);
}

/** Signs a small probe message with our key and verifies it against DNS with mailauth. */
async function verifyProbe(input: DkimCheckInput): Promise<DKIMResult | undefined> {
  const { key, now } = input;
  const mime = probeMessage(input.fromAddress, key.domain, now);
  const signed = await signMessage(mime, key, now);
  const verified = await dkimVerify(signed, { resolver: input.resolver, curTime: now });
  return verified.results.find((r) => r.signingDomain?.toLowerCase() === key.domain.toLowerCase() && r.selector === key.selector);
}

function probeMessage(from: string, domain: string, now: Date): Uint8Array {
  const lines = [
    `From: ${from}`,
    `To: postmaster@${domain}`,
    'Subject: Tandem DKIM check',
    `Date: ${now.toUTCString()}`,
    `Message-ID: <dkim-check.${now.getTime()}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `This message only checks the DKIM record of ${domain}; it is never sent.`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
