export * from './api-keys.js';
export * from './auth.guard.js';
export * from './auth.module.js';
export * from './current-principal.decorator.js';
export * from './principal.js';
export * from './token-verifier.js';
export * from './scopes.js';
export * from './subject-directory.js';
