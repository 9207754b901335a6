/** The OpenAPI endpoints of the API server (`/openapi/v2`, `/openapi/v3`). */
export { OpenApiService, serverRelativeURL } from './openapi-service.js';
export type { OpenApiServiceOptions } from './openapi-service.js';
export { customDefinitionName, groupVersionKey } from './naming.js';
export type { OpenApiV3Document, OpenApiV3Index, V3Operation, V3PathItem, V3Parameter } from './v3-document.js';
export type { SwaggerDocument, V2Operation, V2PathItem, V2Parameter } from './v2-document.js';
