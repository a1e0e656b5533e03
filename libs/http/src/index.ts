export { applyBodyParsing, BodyLimits } from './body-parsing';
export { HttpEdgeModule } from './http-edge.module';
export { ErrorBody, HttpExceptionFilter, toErrorBody } from './http-exception.filter';
export { strictValidationPipe, validationMessages } from './validation';
