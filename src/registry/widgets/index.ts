export * from './chart';
export * from './classes';
export * from './details';
export * from './dialogs';
export * from './groups';
export * from './icons';
export * from './panel';
export * from './versions';
