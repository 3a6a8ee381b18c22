export * from './classes';
export * from './icons';
export * from './newproject';
export * from './projects';
