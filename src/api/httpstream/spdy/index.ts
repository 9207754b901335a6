export { SpdyConnection, SpdyConnectionClosedError, type SpdyConnectionEvents, type SpdyConnectionOptions, type SpdyRole } from './connection.js';
export { SpdyStream, SpdyStreamResetError } from './stream.js';
export { headerValue, type OutgoingSpdyHeaders, type SpdyHeaders } from './header-block.js';
export { GoAwayStatus, RstStatus, SpdyProtocolError } from './frames.js';
