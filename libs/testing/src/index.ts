import 'reflect-metadata';

export * from './wait-for';
export * from './test-environment';
export * from './test-messages';
export * from './child-process';
export * from './drain-topic';
