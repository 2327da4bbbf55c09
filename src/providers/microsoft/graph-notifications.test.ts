import { describe, expect, it } from 'vitest';
import { parseGraphNotification, validationResponse } from './graph-notifications';

describe('validationResponse', () => {
  it('echoes the decoded token as text/plain', () => {
    const q = new URLSearchParams('validationToken=Validation%3A%20Testing%20client%20application%20reachability');
    expect(validationResponse(q)).toEqual({ status: 200, contentType: 'text/plain', body: 'Validation: Testing client application reachability' });
    expect(validationResponse({ validationToken: 'abc' })?.body).toBe('abc');
    expect(validationResponse(new URLSearchParams())).toBeNull();
  });
});

describe('parseGraphNotification', () => {
  const secret = 'cs-1234';
  it('keeps items with our clientState and drops the rest', () => {
    const body = {
      value: [
        {
          subscriptionId: 's1',
          clientState: secret,
          changeType: 'created',
          resource: 'Users/u/Messages/m1',
          resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: 'm1' },
          tenantId: 't',
        },
        { subscriptionId: 's2', clientState: 'forged', changeType: 'created', resource: 'Users/u/Messages/m2' },
        { subscriptionId: 's3', changeType: 'created' },
        { subscriptionId: 's1', clientState: secret, lifecycleEvent: 'reauthorizationRequired', subscriptionExpirationDateTime: '2026-11-09T00:00:00Z' },
        'garbage',
      ],
    };
    expect(parseGraphNotification(body, secret)).toEqual({
      notifications: [
        { subscriptionId: 's1', resource: 'Users/u/Messages/m1', changeType: 'created', resourceId: 'm1' },
        { subscriptionId: 's1', lifecycleEvent: 'reauthorizationRequired' },
      ],
      rejected: 3,
    });
  });

  it('rejects a body that is not a notification envelope', () => {
    expect(parseGraphNotification({ hello: 1 }, secret)).toEqual({ notifications: [], rejected: 1 });
  });
});
