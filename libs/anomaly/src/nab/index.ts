export * from './corpus';
export * from './scorer';
export * from './timestamps';
