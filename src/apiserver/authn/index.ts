export { authenticateRequest } from './x509.js';
export { AUTHENTICATED_GROUP } from './user-info.js';
export type { UserInfo } from './user-info.js';
export {
  JOIN_TOKEN_USER, caHash, formatJoinToken, joinSecretOf, joinTokenAuthenticator, newJoinSecret, parseJoinToken,
} from './join-token.js';
export type { JoinToken } from './join-token.js';
export { ensureTokenFile } from './token-file.js';
