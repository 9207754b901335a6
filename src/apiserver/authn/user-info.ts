/**
 * The identity an authenticator resolved a request to, as upstream's
 * `user.Info` (k8s.io/apiserver/pkg/authentication/user). Authorization
 * decisions read only this.
 */
export interface UserInfo {
  /** Unique user name, e.g. `admin` or `system:kube-scheduler`. */
  name: string;
  /** Group names, always including `system:authenticated`. */
  groups: string[];
}

/** Added to every authenticated user's groups. */
export const AUTHENTICATED_GROUP = 'system:authenticated';
