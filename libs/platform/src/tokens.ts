/** Injection token of the validated configuration. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** Injection token of the NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
/** Injection token of the service's readiness state. */
export const READINESS = Symbol('READINESS');
