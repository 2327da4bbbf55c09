import { describe, expect, it } from 'vitest';
import type { ProviderErrorKind } from '../errors';
import { mapTokenError, parseAuthorizeRedirect, tokenErrorFields } from './map-token-error';

const now = new Date('2026-11-02T09:00:00Z');
const consentUrl = 'https://login.microsoftonline.com/t1/adminconsent?client_id=c';

describe('mapTokenError', () => {
  const table: { name: string; status: number; error?: string; suberror?: string; codes?: number[]; kind: ProviderErrorKind }[] = [
    { name: 'revoked grant', status: 400, error: 'invalid_grant', codes: [50173], kind: 'auth_revoked' },
    { name: 'refresh token inactive 90 days', status: 400, error: 'invalid_grant', codes: [700082], kind: 'auth_revoked' },
    { name: 'MFA required', status: 400, error: 'invalid_grant', codes: [50076], kind: 'auth_revoked' },
    { name: 'interaction required', status: 400, error: 'interaction_required', codes: [53003], kind: 'auth_revoked' },
    { name: 'password expired', status: 400, error: 'user_password_expired', suberror: 'user_password_expired', codes: [50055], kind: 'auth_revoked' },
    { name: 'code already redeemed', status: 400, error: 'invalid_grant', codes: [54005], kind: 'auth_revoked' },
    { name: 'consent missing as invalid_grant', status: 400, error: 'invalid_grant', suberror: 'consent_required', codes: [65001], kind: 'consent_required' },
    { name: 'admin consent required', status: 400, error: 'consent_required', codes: [90094], kind: 'consent_required' },
    { name: 'admin consent by code only', status: 400, error: 'invalid_request', codes: [90094], kind: 'consent_required' },
    { name: 'wrong client secret', status: 401, error: 'invalid_client', codes: [7000215], kind: 'permanent' },
    { name: 'app not in directory', status: 400, error: 'unauthorized_client', codes: [700016], kind: 'permanent' },
    { name: 'user declined', status: 400, error: 'access_denied', codes: [65004], kind: 'permission' },
    { name: 'throttled', status: 429, kind: 'throttled' },
    { name: 'temporarily unavailable', status: 400, error: 'temporarily_unavailable', kind: 'transient' },
    { name: 'server error', status: 503, kind: 'transient' },
    { name: 'unknown', status: 400, error: 'invalid_request', codes: [900144], kind: 'permanent' },
  ];
  it.each(table)('$name → $kind', (row) => {
    const e = mapTokenError({ status: row.status, error: row.error, suberror: row.suberror, errorCodes: row.codes, now }, consentUrl);
    expect(e.kind).toBe(row.kind);
    expect(e.adminConsentUrl).toBe(row.kind === 'consent_required' ? consentUrl : undefined);
    if (row.codes) expect(e.code).toBe(`AADSTS${row.codes[0]}`);
  });

  it('reads only structured fields of the error body', () => {
    expect(tokenErrorFields({ error: 'invalid_grant', error_description: 'AADSTS65001: consent', error_codes: [50173], suberror: 'bad_token' })).toEqual({
      error: 'invalid_grant',
      suberror: 'bad_token',
      errorCodes: [50173],
    });
    // The description alone never decides.
    expect(mapTokenError({ status: 400, ...tokenErrorFields({ error: 'invalid_request', error_description: 'AADSTS65001: …' }), now }).kind).toBe('permanent');
  });
});

describe('parseAuthorizeRedirect', () => {
  it('returns the code and state', () => {
    expect(parseAuthorizeRedirect(new URLSearchParams({ code: 'c1', state: 's' }), now)).toEqual({ code: 'c1', state: 's' });
  });

  it('maps an admin-approval refusal to consent_required with the link, using error_uri for the code', () => {
    const query = new URLSearchParams({
      error: 'invalid_request',
      error_description: 'AADSTS90094: Admin consent is required',
      error_uri: 'https://login.microsoftonline.com/error?code=90094',
    });
    expect(() => parseAuthorizeRedirect(query, now, consentUrl)).toThrow(expect.objectContaining({ kind: 'consent_required', adminConsentUrl: consentUrl, code: 'AADSTS90094' }));
  });

  it('maps a cancelled consent to permission', () => {
    expect(() => parseAuthorizeRedirect(new URLSearchParams({ error: 'access_denied', error_uri: 'not a url' }), now)).toThrow(expect.objectContaining({ kind: 'permission' }));
  });
});
