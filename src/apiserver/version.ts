/**
 * What /version reports: a Kubernetes version with a `+k8ts` suffix. 1.34
 * sits within kubectl's supported skew (+/-1) of kubectl 1.33 to 1.35.
 */
export const KUBERNETES_VERSION = { major: '1', minor: '34', patch: '0' };

export function versionInfo(): Record<string, string> {
  const v = `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}+k8ts`;
  return {
    major: KUBERNETES_VERSION.major, minor: KUBERNETES_VERSION.minor, gitVersion: v,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
