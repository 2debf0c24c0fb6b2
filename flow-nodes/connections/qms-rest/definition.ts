import { Type } from '@sinclair/typebox';
import { connectionSpec, SecretRef } from '@millrace/node-sdk';
import { AuthApiKey, AuthBearer, AuthOAuth2ClientCredentials, HttpUrl, TimeoutMs } from '../../shared/schemas.ts';

export const definition = connectionSpec({
  type: 'qms-rest',
  title: 'QMS (REST)',
  description:
    'A quality management system with a REST API: inspections, quality events, CAPA, supplier cases, releases.',
  schema: Type.Object(
    {
      baseUrl: HttpUrl('Root of the QMS API, such as https://qms.example.com/api/v1.'),
      auth: Type.Union([AuthOAuth2ClientCredentials, AuthBearer, AuthApiKey]),
      // Key the QMS signs its webhooks with (HMAC-SHA256).
      webhookSecret: Type.Optional(SecretRef),
      timeoutMs: Type.Optional(TimeoutMs(30000)),
      maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, default: 8 })),
    },
    { additionalProperties: false },
  ),
});
