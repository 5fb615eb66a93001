export * from './catalog.js';
export * from './catalog.file.js';
export * from './duration.js';
