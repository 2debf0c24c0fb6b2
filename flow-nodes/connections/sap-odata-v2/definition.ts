import { Type } from '@sinclair/typebox';
import { connectionSpec } from '@millrace/node-sdk';
import { AuthBasic, AuthOAuth2ClientCredentials, HttpUrl, TimeoutMs } from '../../shared/schemas.ts';

export const definition = connectionSpec({
  type: 'sap-odata-v2',
  title: 'SAP S/4HANA (OData V2)',
  description:
    'An SAP system reached through OData V2 services: CSRF token handling, sap-client, ETags. The service paths (API_PRODUCTION_ORDER_2_SRV, …) are set on the nodes.',
  schema: Type.Object(
    {
      baseUrl: HttpUrl('Root of the OData services, such as https://erp.example.com/sap/opu/odata/sap.'),
      client: Type.String({
        pattern: '^\\d{3}$',
        description: 'SAP client (sap-client), three digits.',
        'x-hint': 'three digits such as 100',
      }),
      language: Type.Optional(
        Type.String({ pattern: '^[A-Z]{2}$', default: 'EN', description: 'sap-language for messages.' }),
      ),
      auth: Type.Union([AuthBasic, AuthOAuth2ClientCredentials]),
      testService: Type.Optional(
        Type.String({
          pattern: '^[A-Za-z0-9_]+(;v=\\d{1,4})?$',
          description:
            'A service "Test connection" reads the service document of, such as API_PRODUCTION_ORDER_2_SRV; without one it only checks that the base URL accepts the credentials.',
          'x-hint': 'a service name such as API_PRODUCTION_ORDER_2_SRV',
        }),
      ),
      timeoutMs: Type.Optional(TimeoutMs(30000)),
      maxConnections: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 256, default: 8, description: 'Requests in flight to the ERP at once.' }),
      ),
    },
    { additionalProperties: false },
  ),
});
