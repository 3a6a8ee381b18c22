export * from './classes';
export * from './dialogs';
export * from './icons';
export * from './modal';
export * from './panel';
export * from './spaces';
export * from './userheader';
