export * from './classes';
export * from './icons';
export * from './notebookview';
export * from './preview';
export * from './sharedialog';
export * from './snapshots';
