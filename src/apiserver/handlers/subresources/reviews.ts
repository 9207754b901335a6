/**
 * The create-only review resources, computed per request and never stored:
 * access reviews (everyone authenticated is an admin until RBAC arrives, so
 * every question is answered "allowed"), the rules review behind
 * `kubectl auth can-i --list`, SelfSubjectReview behind `kubectl auth whoami`,
 * and TokenReview (no token authentication yet: never authenticated).
 */
import type { WithMeta } from '../../../api/object.js';
import type { UserInfo } from '../../authn/index.js';

const ADMIN_REASON = 'k8ts: every authenticated user is a cluster administrator (RBAC is not enabled yet)';

/** Fills in status for a review of the given kind; returns undefined for a kind that is not a review. */
export function answerReview(kind: string, obj: WithMeta, user: UserInfo): WithMeta | undefined {
  const out: WithMeta = { ...obj, metadata: { ...obj.metadata, creationTimestamp: undefined } };
  delete out.metadata.creationTimestamp;
  switch (kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      out.status = { allowed: true, reason: ADMIN_REASON };
      return out;
    case 'SelfSubjectRulesReview':
      out.status = {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      };
      return out;
    case 'SelfSubjectReview':
      out.status = { userInfo: { username: user.name, groups: user.groups } };
      return out;
    case 'TokenReview':
      out.status = { authenticated: false, error: 'token authentication is not enabled on this server' };
      return out;
    default:
      return undefined;
  }
}
