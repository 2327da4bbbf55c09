import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, ews, soap, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
  fx.sim.handle.addMailbox({ address: 'sales@contoso.com', username: 'CONTOSO\\sales', password: 'x', type: 'distribution_list', displayName: 'Sales Team' });
  fx.sim.handle.addMailbox({ address: 'support@contoso.com', username: 'CONTOSO\\dave', password: 'dave-pw', type: 'shared', displayName: 'Support' });
});
afterAll(async () => {
  await fx.sim.close();
});

const inbox = (s: ews.ExchangeService) => ews.Folder.Bind(s, ews.WellKnownFolderName.Inbox);

function pox(email: string, auth = 'CONTOSO\\alice:alice-pw', schema = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a') {
  return fetch(`${fx.sim.url}/autodiscover/autodiscover.xml`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', Authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
    body: `<?xml version="1.0"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`,
  });
}

describe('sign-in', () => {
  it('accepts DOMAIN\\user, UPN and address; answers 401 with Negotiate/NTLM/Basic otherwise', async () => {
    await expect(inbox(fx.service('CONTOSO\\alice', 'alice-pw'))).resolves.toBeTruthy();
    await expect(inbox(fx.service('alice@contoso.com', 'alice-pw'))).resolves.toBeTruthy();
    await expect(inbox(fx.service('CONTOSO\\bob', 'bob-pw'))).resolves.toBeTruthy();
    await expect(inbox(fx.service('CONTOSO\\alice', 'wrong'))).rejects.toMatchObject({ HttpStatusCode: 401 });
    const raw = await soap(fx.sim.handle.ewsUrl, '<m:GetFolder/>', 'CONTOSO\\alice:wrong');
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Negotiate, NTLM, Basic realm="' + new URL(fx.sim.url).host + '"');
  });

  it('after a password change the old password gets 401 and the new one works', async () => {
    fx.sim.handle.changePassword(BOB, 'bob-new');
    await expect(inbox(fx.service('bob@contoso.com', 'bob-pw'))).rejects.toMatchObject({ HttpStatusCode: 401 });
    await expect(inbox(fx.service('bob@contoso.com', 'bob-new'))).resolves.toBeTruthy();
  });
});

describe('autodiscover', () => {
  it('POX answers the EWS URL in EXCH and EXPR; errors 500 / 600 / 601; 401 unauthenticated', async () => {
    const res = await pox(ALICE);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.match(/<EwsUrl>([^<]+)<\/EwsUrl>/g)).toEqual([`<EwsUrl>${fx.sim.handle.ewsUrl}</EwsUrl>`, `<EwsUrl>${fx.sim.handle.ewsUrl}</EwsUrl>`]);
    expect(text).toContain('<Type>EXPR</Type>');
    expect(await (await pox('nobody@contoso.com')).text()).toContain('<ErrorCode>500</ErrorCode>');
    expect(await (await pox('sales@contoso.com')).text()).toContain('<ErrorCode>500</ErrorCode>');
    expect(await (await pox(ALICE, undefined, 'urn:other')).text()).toContain('<ErrorCode>601</ErrorCode>');
    expect((await pox(ALICE, 'CONTOSO\\alice:nope')).status).toBe(401);
    const garbage = await fetch(`${fx.sim.url}/autodiscover/autodiscover.xml`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('CONTOSO\\alice:alice-pw').toString('base64')}` }, body: '<nope' });
    expect(await garbage.text()).toContain('<ErrorCode>600</ErrorCode>');
  });

  it('SOAP GetUserSettings through ews-javascript-api AutodiscoverService', async () => {
    const ad = new ews.AutodiscoverService(new ews.Uri(fx.sim.handle.autodiscoverSvcUrl), ews.ExchangeVersion.Exchange2013_SP1);
    ad.Credentials = new ews.WebCredentials('CONTOSO\\alice', 'alice-pw');
    const res = await ad.GetUserSettings(ALICE, [ews.UserSettingName.InternalEwsUrl, ews.UserSettingName.ExternalEwsUrl]);
    expect(res.ErrorCode).toBe(ews.AutodiscoverErrorCode.NoError);
    expect(res.GetSettingValue(ews.UserSettingName.ExternalEwsUrl)).toBe(fx.sim.handle.ewsUrl);
    expect(res.GetSettingValue(ews.UserSettingName.InternalEwsUrl)).toBe(fx.sim.handle.ewsUrl);
    const unknown = await ad.GetUserSettings('nobody@contoso.com', [ews.UserSettingName.ExternalEwsUrl]);
    expect(unknown.ErrorCode).toBe(ews.AutodiscoverErrorCode.InvalidUser);
  });
});

describe('ResolveNames', () => {
  it('tells a user mailbox from a distribution list', async () => {
    const service = fx.service();
    const user = await service.ResolveName(BOB, ews.ResolveNameSearchLocation.DirectoryOnly, true);
    expect(user._getItem(0).Mailbox.MailboxType).toBe(ews.MailboxType.Mailbox);
    const dl = await service.ResolveName('sales@contoso.com', ews.ResolveNameSearchLocation.DirectoryOnly, true);
    expect(dl._getItem(0).Mailbox.MailboxType).toBe(ews.MailboxType.PublicGroup);
    const none = await service.ResolveName('zed@nowhere.test', ews.ResolveNameSearchLocation.DirectoryOnly, false);
    expect(none.Count).toBe(0);
  });

  it('exposes a shared mailbox only through ownership: the sign-in name resolves to someone else', async () => {
    const service = fx.service('CONTOSO\\dave', 'dave-pw');
    const entered = await service.ResolveName('support@contoso.com', ews.ResolveNameSearchLocation.DirectoryOnly, false);
    expect(entered._getItem(0).Mailbox.MailboxType).toBe(ews.MailboxType.Mailbox);
    const self = await service.ResolveName('CONTOSO\\dave', ews.ResolveNameSearchLocation.DirectoryOnly, false);
    expect(self._getItem(0).Mailbox.Address).toBe('dave@contoso.com');
    const own = await fx.service().ResolveName('CONTOSO\\alice', ews.ResolveNameSearchLocation.DirectoryOnly, false);
    expect(own._getItem(0).Mailbox.Address).toBe(ALICE);
  });

  it('a distribution list has no mailbox to open', async () => {
    await expect(inbox(fx.service('CONTOSO\\sales', 'x'))).rejects.toMatchObject({ ErrorCode: ews.ServiceError.ErrorNonExistentMailbox });
  });
});

describe('bad input', () => {
  it('answers SOAP faults and per-item codes, never crashes', async () => {
    const url = fx.sim.handle.ewsUrl;
    const malformed = await fetch(url, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('CONTOSO\\alice:alice-pw').toString('base64')}` }, body: '<soap:Envelope><unclosed>' });
    expect(malformed.status).toBe(500);
    expect(await malformed.text()).toContain('a:ErrorSchemaValidation');
    const badFolder = await soap(url, '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="nosuch"/></m:FolderIds></m:GetFolder>');
    expect(badFolder.status).toBe(500);
    expect(badFolder.text).toContain('ErrorSchemaValidation');
    const badIds = await soap(url, '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="%%%"/><t:ItemId Id="QUJD"/></m:ItemIds></m:GetItem>');
    expect(badIds.status).toBe(200);
    expect(badIds.text.match(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)).toEqual([
      '<m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode>',
      '<m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode>',
    ]);
    const badState = await soap(url, '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>9999</m:MaxChangesReturned></m:SyncFolderItems>');
    expect(badState.status).toBe(500);
    const unknownOp = await soap(url, '<m:GetAttachment/>');
    expect(unknownOp.status).toBe(500);
    expect(unknownOp.text).toContain('faultcode');
  });
});
