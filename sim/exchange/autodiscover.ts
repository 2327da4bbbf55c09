/**
 * Autodiscover in both forms Exchange serves:
 * - POX (POST /autodiscover/autodiscover.xml, Outlook request schema 2006): Account/Action "settings"
 *   with EXCH and EXPR protocols carrying EwsUrl; errors 500 (unknown address), 600 (invalid
 *   request), 601 (response schema not available) — "POX Autodiscover response for Exchange".
 * - SOAP (POST /autodiscover/autodiscover.svc, GetUserSettings), which ews-javascript-api's
 *   AutodiscoverService speaks. Its ExchangeService.AutodiscoverUrl() derives https://{domain} hosts
 *   from the address, so against the simulator an AutodiscoverService is given this URL directly.
 */
import type { ExchangeStore } from './store';
import { child, el, esc, parseXml, path, textOf, tx } from './xml';

const RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const OUTER_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const AD_NS = 'http://schemas.microsoft.com/exchange/2010/Autodiscover';

function poxError(code: number, message: string, id = '00000000-0000-0000-0000-000000000000'): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${OUTER_NS}"><Response>` +
    `<Error Time="00:00:00.0000000" Id="${id}"><ErrorCode>${code}</ErrorCode><Message>${esc(message)}</Message><DebugData /></Error>` +
    `</Response></Autodiscover>`
  );
}

export function poxAutodiscover(store: ExchangeStore, body: string, ewsUrl: string): string {
  const doc = parseXml(body);
  const request = child(doc, 'Request');
  const email = textOf(request, 'EMailAddress');
  if (!doc || doc.name !== 'Autodiscover' || !email) return poxError(600, 'Invalid Request');
  if (textOf(request, 'AcceptableResponseSchema') !== RESPONSE_SCHEMA) return poxError(601, 'The requested schema version is not supported');
  const mb = store.byAddress(email);
  if (!mb || mb.kind === 'distribution_list') return poxError(500, 'The email address can\'t be found.');
  const host = new URL(ewsUrl).host;
  const protocol = (type: string) =>
    el('Protocol', null, tx('Type', type), tx('Server', host), tx('ASUrl', ewsUrl), tx('EwsUrl', ewsUrl), tx('OOFUrl', ewsUrl), tx('UMUrl', ewsUrl.replace(/Exchange\.asmx$/, 'UM2007Legacy.asmx')));
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    el(
      'Autodiscover',
      { xmlns: OUTER_NS },
      el(
        'Response',
        { xmlns: RESPONSE_SCHEMA },
        el('User', null, tx('DisplayName', mb.displayName), tx('LegacyDN', `/o=Simulated/ou=Exchange Administrative Group/cn=Recipients/cn=${mb.address.split('@')[0]}`), tx('AutoDiscoverSMTPAddress', mb.address), tx('DeploymentId', '5f6d1e0a-1c1b-4b6e-9b1e-0000000000ee')),
        el('Account', null, tx('AccountType', 'email'), tx('Action', 'settings'), protocol('EXCH'), protocol('EXPR')),
      ),
    )
  );
}

const knownSettings = new Set(['InternalEwsUrl', 'ExternalEwsUrl', 'UserDisplayName', 'AutoDiscoverSMTPAddress', 'UserDeploymentId', 'EwsSupportedSchemas']);

/** SOAP Autodiscover GetUserSettings: one UserResponse per requested mailbox. */
export function soapAutodiscover(store: ExchangeStore, bodyText: string, ewsUrl: string): { status: number; xml: string } {
  const doc = parseXml(bodyText);
  const request = path(doc, 'Body', 'GetUserSettingsRequestMessage', 'Request');
  if (!request) return { status: 500, xml: soapFault('a:InvalidRequest', 'The request is invalid.') };
  const wanted = (child(request, 'RequestedSettings')?.children ?? []).map((s) => s.text.trim());
  const users = (child(request, 'Users')?.children ?? []).map((u) => textOf(u, 'Mailbox') ?? '');
  const responses = users.map((address) => {
    const mb = store.byAddress(address);
    if (!mb || mb.kind === 'distribution_list') {
      return el('UserResponse', null, tx('ErrorCode', 'InvalidUser'), tx('ErrorMessage', `Invalid user: '${address}'`), el('RedirectTarget', { 'i:nil': 'true' }), el('UserSettingErrors'), el('UserSettings'));
    }
    const values: Record<string, string> = {
      InternalEwsUrl: ewsUrl,
      ExternalEwsUrl: ewsUrl,
      UserDisplayName: mb.displayName,
      AutoDiscoverSMTPAddress: mb.address,
      UserDeploymentId: '5f6d1e0a-1c1b-4b6e-9b1e-0000000000ee',
      EwsSupportedSchemas: 'Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, Exchange2013_SP1, Exchange2015, Exchange2016',
    };
    const settings = wanted.filter((w) => knownSettings.has(w));
    const errors = wanted.filter((w) => !knownSettings.has(w));
    return el(
      'UserResponse',
      null,
      tx('ErrorCode', 'NoError'),
      tx('ErrorMessage', 'No error.'),
      el('RedirectTarget', { 'i:nil': 'true' }),
      el('UserSettingErrors', null, errors.map((e) => el('UserSettingError', null, tx('ErrorCode', 'SettingIsNotAvailable'), tx('ErrorMessage', `User setting '${e}' is not available.`), tx('SettingName', e)))),
      el('UserSettings', null, settings.map((s) => el('UserSetting', { 'i:type': 'StringSetting' }, tx('Name', s), tx('Value', values[s])))),
    );
  });
  const xml =
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">` +
    `<s:Header><a:Action s:mustUnderstand="1">${AD_NS}/Autodiscover/GetUserSettingsResponse</a:Action>` +
    `<h:ServerVersionInfo xmlns:h="${AD_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><h:MajorVersion>15</h:MajorVersion><h:MinorVersion>1</h:MinorVersion><h:MajorBuildNumber>2507</h:MajorBuildNumber><h:MinorBuildNumber>39</h:MinorBuildNumber><h:Version>Exchange2015</h:Version></h:ServerVersionInfo></s:Header>` +
    `<s:Body>${el('GetUserSettingsResponseMessage', { xmlns: AD_NS }, el('Response', { 'xmlns:i': 'http://www.w3.org/2001/XMLSchema-instance' }, tx('ErrorCode', 'NoError'), el('ErrorMessage'), el('UserResponses', null, responses)))}</s:Body></s:Envelope>`;
  return { status: 200, xml };
}

function soapFault(code: string, message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>${esc(code)}</faultcode><faultstring>${esc(message)}</faultstring></s:Fault></s:Body></s:Envelope>`;
}

