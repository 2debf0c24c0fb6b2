import { describe, expect, it } from 'vitest';
import { connectionsOf, parseProfileText, secretNamesOf } from './profile.ts';

const PROFILE = {
  schemaVersion: 1,
  plant: 'P100',
  connections: {
    qmsApi: {
      type: 'http',
      baseUrl: 'http://qms/api',
      auth: {
        kind: 'oauth2-client-credentials',
        clientSecret: { secret: 'QMS_SECRET' },
        tokenUrl: 'http://qms/token',
      },
    },
    erpEvents: { type: 'mqtt', url: 'mqtt://broker', password: { secret: 'MQTT_PASSWORD' } },
    files: { type: 'sftp' },
  },
};

describe('a plant profile for people', () => {
  it('lists each connection with its type, URLs, auth kind and the secrets it names', () => {
    expect(connectionsOf(PROFILE)).toEqual([
      {
        slot: 'erpEvents',
        type: 'mqtt',
        urls: [{ field: 'url', url: 'mqtt://broker' }],
        authKind: 'credentials',
        secrets: [{ at: 'password', name: 'MQTT_PASSWORD' }],
      },
      { slot: 'files', type: 'sftp', urls: [], authKind: 'none', secrets: [] },
      {
        slot: 'qmsApi',
        type: 'http',
        urls: [
          { field: 'baseUrl', url: 'http://qms/api' },
          { field: 'auth.tokenUrl', url: 'http://qms/token' },
        ],
        authKind: 'oauth2-client-credentials',
        secrets: [{ at: 'auth.clientSecret', name: 'QMS_SECRET' }],
      },
    ]);
  });

  it('names every secret of a profile once, and none of a profile without connections', () => {
    expect(secretNamesOf(PROFILE)).toEqual(['MQTT_PASSWORD', 'QMS_SECRET']);
    expect(connectionsOf({ plant: 'P1' })).toEqual([]);
  });

  it('parses the edited profile text, or says why not', () => {
    expect(parseProfileText('{"plant":"P1"}')).toEqual({ ok: true, profile: { plant: 'P1' } });
    expect(parseProfileText('[1]')).toEqual({ ok: false, problem: 'A profile is a JSON object.' });
    expect(parseProfileText('{')).toMatchObject({ ok: false, problem: expect.stringMatching(/^Not JSON/) });
  });
});
