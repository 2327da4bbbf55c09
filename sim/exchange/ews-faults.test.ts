import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, ews, mime, soap, startFixture, type SimFixture } from './test-helpers';

let fx: SimFixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.sim.close();
});
afterEach(() => {
  fx.sim.handle.faults.clear();
});

const findInbox = (s: ews.ExchangeService) => s.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(10));

describe('throttling', () => {
  it('ErrorServerBusy arrives as an HTTP 500 SOAP fault with BackOffMilliseconds', async () => {
    fx.sim.handle.faults.add({ kind: 'throttle', match: 'FindItem', retryAfterSeconds: 30, times: 1 });
    const err: unknown = await findInbox(fx.service()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ews.SoapFaultDetails);
    const fault = err as ews.SoapFaultDetails;
    expect(fault.HttpStatusCode).toBe(500);
    expect(fault.ResponseCode).toBe(ews.ServiceError.ErrorServerBusy);
    expect(fault.ErrorDetails.get('BackOffMilliseconds')).toBe('30000');
    // The rule fired once; the next call goes through.
    await expect(findInbox(fx.service())).resolves.toBeTruthy();
  });

  it('the raw fault carries the documented shape', async () => {
    fx.sim.handle.faults.add({ kind: 'throttle', retryAfterSeconds: 2 });
    const res = await soap(fx.sim.handle.ewsUrl, '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>');
    expect(res.status).toBe(500);
    expect(res.text).toContain('<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>');
    expect(res.text).toContain('<t:Value Name="BackOffMilliseconds">2000</t:Value>');
  });
});

describe('HTTP and transport faults', () => {
  it('503 from IIS and 500 ErrorInternalServerError', async () => {
    fx.sim.handle.faults.add({ kind: 'unavailable', nth: 1 });
    await expect(findInbox(fx.service())).rejects.toMatchObject({ HttpStatusCode: 503 });
    fx.sim.handle.faults.clear();
    fx.sim.handle.faults.add({ kind: 'server_error', nth: 1 });
    await expect(findInbox(fx.service())).rejects.toMatchObject({ HttpStatusCode: 500, ResponseCode: ews.ServiceError.ErrorInternalServerError });
  });

  it('reset and timeout end the connection without an answer', async () => {
    const url = fx.sim.handle.ewsUrl;
    const body = '<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';
    fx.sim.handle.faults.add({ kind: 'reset', nth: 1 });
    await expect(soap(url, body)).rejects.toThrow();
    fx.sim.handle.faults.clear();
    fx.sim.handle.faults.add({ kind: 'timeout', nth: 1, holdMs: 20 });
    await expect(soap(url, body)).rejects.toThrow();
    await expect(soap(url, body)).resolves.toMatchObject({ status: 200 });
  });

  it('drop_after_accept sends the mail although the client sees a failure', async () => {
    fx.sim.handle.faults.add({ kind: 'drop_after_accept', match: 'CreateItem', nth: 1 });
    const m = new ews.EmailMessage(fx.service());
    m.MimeContent = new ews.MimeContent('UTF-8', Buffer.from(mime({ subject: 'Ambiguous', messageId: '<amb-1@tandem.test>', from: ALICE, to: BOB })).toString('base64'));
    await expect(m.SendAndSaveCopy()).rejects.toBeTruthy();
    expect(fx.sim.handle.sentItems(ALICE).map((s) => s.internetMessageId)).toContain('<amb-1@tandem.test>');
  });

  it('faults can target one mailbox; every request is counted under its operation', async () => {
    fx.sim.handle.counters.reset();
    fx.sim.handle.faults.add({ kind: 'server_error', mailbox: BOB });
    await expect(findInbox(fx.service())).resolves.toBeTruthy();
    await expect(findInbox(fx.service('bob@contoso.com', 'bob-pw'))).rejects.toMatchObject({ HttpStatusCode: 500 });
    expect(fx.sim.handle.counters.count(ALICE, 'FindItem')).toBe(1);
    expect(fx.sim.handle.counters.count(BOB, 'FindItem')).toBe(1);
    expect(fx.sim.handle.counters.count()).toBe(2);
  });
});
