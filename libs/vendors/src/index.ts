export { VendorRejectedError, VendorUnavailableError, isRejection, statusOf } from './vendor-errors.js';
export type { VendorName } from './vendor-errors.js';
export { OktaClient } from './okta/okta-client.js';
export type { OktaClientOptions, OktaMember, OktaUser } from './okta/okta-client.js';
export { OktaRateBudget, oktaRateBudget } from './okta/rate-budget.js';
export type { BudgetClock, RateBudgetOptions } from './okta/rate-budget.js';
export type { RateLimitReading } from './okta/rate-limit-headers.js';
