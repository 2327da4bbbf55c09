import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('Gmail Pub/Sub push settings', () => {
  const base = { TANDEM_PUBLIC_URL: 'https://crm.greenleaf.example/' };

  it('refuses a Pub/Sub topic without the service account its pushes must be signed as', () => {
    expect(() => loadConfig({ ...base, GOOGLE_PUBSUB_TOPIC: 'projects/p/topics/gmail' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, GOOGLE_PUBSUB_TOPIC: 'projects/p/topics/gmail' })).toThrow(/GOOGLE_PUBSUB_SERVICE_ACCOUNT/);
  });

  it("defaults the audience to the push endpoint and the keys to Google's JWKS", () => {
    const config = loadConfig({ ...base, GOOGLE_PUBSUB_TOPIC: 'projects/p/topics/gmail', GOOGLE_PUBSUB_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com' });
    expect(config.google.pubsubAuth).toEqual({
      audience: 'https://crm.greenleaf.example/api/webhooks/google/gmail',
      serviceAccountEmail: 'push@p.iam.gserviceaccount.com',
      jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    });
  });

  it('takes an explicit audience and JWKS URL, and needs none of it without a topic', () => {
    const config = loadConfig({
      ...base,
      GOOGLE_PUBSUB_TOPIC: 'projects/p/topics/gmail',
      GOOGLE_PUBSUB_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
      GOOGLE_PUBSUB_AUDIENCE: 'tandem-gmail-push',
      GOOGLE_PUBSUB_JWKS_URL: 'http://127.0.0.1:9999/oauth2/v3/certs',
    });
    expect(config.google.pubsubAuth).toMatchObject({ audience: 'tandem-gmail-push', jwksUrl: 'http://127.0.0.1:9999/oauth2/v3/certs' });
    expect(loadConfig(base).google.pubsubAuth).toBeUndefined();
  });
});

describe('capture batch size', () => {
  it('defaults to 100 messages a round, takes 1–1,000 and refuses anything else by name', () => {
    expect(loadConfig({}).captureBatchSize).toBe(100);
    expect(loadConfig({ TANDEM_CAPTURE_BATCH_SIZE: '20' }).captureBatchSize).toBe(20);
    for (const bad of ['0', '1001', '2.5', 'twenty']) expect(() => loadConfig({ TANDEM_CAPTURE_BATCH_SIZE: bad })).toThrow(/TANDEM_CAPTURE_BATCH_SIZE/);
  });
});
