export * from './config.js';
export * from './errors.js';
export * from './exception.filter.js';
export * from './health.controller.js';
export * from './logger.js';
export * from './platform.module.js';
export * from './service.js';
export * from './tokens.js';
