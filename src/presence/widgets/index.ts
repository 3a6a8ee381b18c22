export * from './classes';
export * from './icons';
export * from './presence';
