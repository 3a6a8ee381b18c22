export * from './cards';
export * from './catalog';
export * from './classes';
export * from './details';
export * from './icons';
export * from './opendialog';
export * from './panel';
export * from './problems';
