export { authenticateRequest } from './x509.js';
export { AUTHENTICATED_GROUP } from './user-info.js';
export type { UserInfo } from './user-info.js';
