/**
 * The name rules upstream applies per kind:
 * - dns1123Subdomain: lower-case alphanumerics, '-' and '.', at most 253 (most kinds);
 * - dns1123Label: lower-case alphanumerics and '-', at most 63 (namespaces, services);
 * - pathSegment: anything but '/', '%', '.' and '..' (RBAC objects and a few others).
 */
export type NameRule = 'dns1123Subdomain' | 'dns1123Label' | 'pathSegment';
