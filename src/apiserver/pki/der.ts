/** Moved to src/api/x509 so that the kubelet can issue its serving certificate too. */
export * from '../../api/x509/der.js';
