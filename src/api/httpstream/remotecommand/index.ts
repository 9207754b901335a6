export * from './constants.js';
export { exitCodeStatus, internalErrorStatus, parseStatus, statusOf, successStatus, type RemoteCommandResult } from './status.js';
export { ResizeDecoder, ResizeDecodeError, encodeTerminalSize, type TerminalSize } from './resize.js';
export { translateRemoteCommand, type TranslateOptions } from './stream-translator.js';
