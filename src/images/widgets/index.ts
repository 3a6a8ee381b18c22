export * from './builddialog';
export * from './builds';
export * from './classes';
export * from './icons';
export * from './logpane';
export * from './traindialog';
