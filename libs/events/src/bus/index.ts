// `@jit/events/bus`: the topology and the bus users alone, for tools that set up NATS (the supervisor,
// the config generator) without loading what the services need (TypeORM, Nest, the event schemas).
export { defaultTopology, type Topology } from '../jetstream/topology.js';
export { backoffDelay, type BackoffPolicy } from '../retry/backoff.js';
export { busServices, busUsers, eventOwners, eventsOwnedBy, type BusService, type BusUser } from './ownership.js';
export * from './permissions.js';
