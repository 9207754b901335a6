/**
 * Container logs on the node: rotation by size (upstream's container log
 * manager), the /var/log/containers symlinks, and their removal with a
 * container.
 */
export * from './container-log-manager.js';
export * from './log-symlink.js';
export * from './rotate-log.js';
export * from './remove-container-logs.js';
