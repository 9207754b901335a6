/** The ResourceQuota controller: usage per quota resource name, scopes, and the loop that writes status. */
export { startResourceQuotaController, type ResourceQuotaControllerOptions } from './resourcequota-controller.js';
export { quotaUsed, objectUsage, resourceForQuotaName, sameResourceList } from './usage.js';
export { podUsage, podLimits, podCountsAgainstQuota, podMatchesQuotaScopes, quotaIsScoped, isBestEffort } from './pod-usage.js';
export { formatAmount, quotaAmount, isCpuResource } from './quantity-format.js';
