import { describe, expect, it } from 'vitest';
import { mapSmtpError, type SmtpFailure, type SmtpStage } from './map-smtp-error';

describe('mapSmtpError', () => {
  it.each<[string, SmtpFailure, SmtpStage, { kind: string; code: string; status?: number; ambiguous: boolean }]>([
    ['550 unknown user', { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 <x@y.test>: User unknown', command: 'RCPT TO' }, 'send', { kind: 'permanent', code: '5.1.1', status: 550, ambiguous: false }],
    ['554 without enhanced code', { code: 'EMESSAGE', responseCode: 554, response: '554 Transaction failed', command: 'DATA' }, 'send', { kind: 'permanent', code: 'smtp_554', status: 554, ambiguous: false }],
    ['421 closing', { code: 'EENVELOPE', responseCode: 421, response: '421 4.3.2 Shutting down', command: 'MAIL FROM' }, 'send', { kind: 'transient', code: '4.3.2', status: 421, ambiguous: false }],
    ['452 too many recipients', { code: 'EENVELOPE', responseCode: 452, response: '452 4.5.3 Too many recipients' }, 'send', { kind: 'transient', code: '4.5.3', status: 452, ambiguous: false }],
    ['535 bad password', { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid', command: 'AUTH PLAIN' }, 'auth', { kind: 'permission', code: 'relay_auth_failed', status: 535, ambiguous: false }],
    ['454 auth unavailable', { code: 'EAUTH', responseCode: 454, response: '454 4.7.0 Temporary authentication failure' }, 'auth', { kind: 'transient', code: '4.7.0', status: 454, ambiguous: false }],
    ['530 auth required at MAIL FROM', { code: 'EENVELOPE', responseCode: 530, response: '530 5.7.0 Authentication required' }, 'send', { kind: 'permission', code: 'relay_auth_failed', status: 530, ambiguous: false }],
    ['no credentials accepted', { code: 'EAUTH', command: 'API' }, 'auth', { kind: 'permission', code: 'relay_auth_failed', ambiguous: false }],
    ['STARTTLS refused', { code: 'ETLS', responseCode: 454, response: '454 4.7.0 TLS not available', command: 'STARTTLS' }, 'connect', { kind: 'permanent', code: 'relay_tls_failed', status: 454, ambiguous: false }],
    ['connection refused', { code: 'ESOCKET', command: 'CONN' }, 'connect', { kind: 'transient', code: 'ESOCKET', ambiguous: false }],
    ['timeout after the message', { code: 'ETIMEDOUT', command: 'CONN' }, 'send', { kind: 'transient', code: 'ETIMEDOUT', ambiguous: true }],
    ['bad recipient syntax', { code: 'EENVELOPE', command: 'API' }, 'send', { kind: 'invalid_input', code: 'EENVELOPE', ambiguous: false }],
  ])('%s', (_name, failure, stage, expected) => {
    const err = mapSmtpError(failure, stage);
    expect({ kind: err.kind, code: err.code, ambiguous: err.ambiguous, ...(err.status === undefined ? {} : { status: err.status }) }).toEqual(expected);
    if (failure.response) expect(err.relayResponse).toBe(failure.response);
  });

  it('does not take a policy rejection for a login problem', () => {
    expect(mapSmtpError({ responseCode: 550, response: '550 5.7.0 Rejected by policy' }, 'send').kind).toBe('permanent');
  });

  it('keeps the relay answer word for word in a permanent failure', () => {
    const err = mapSmtpError({ responseCode: 550, response: '550 5.7.1 Message rejected as spam' }, 'send');
    expect(err.message).toBe('failed / undeliverable: 550 5.7.1 Message rejected as spam');
  });
});
