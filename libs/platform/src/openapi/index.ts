export * from './api-route.js';
export * from './document.js';
export * from './setup.js';
