/** The NOTIFY channel (in intake's schema) on which every committed change of a request is announced, for the callers waiting on one. */
export const REQUEST_CHANGES = 'request_changed';
