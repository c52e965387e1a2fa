export type { Operator, Permission, Principal, Role } from './model.js';
export { ROLES, ROLE_PERMISSIONS, isRole } from './model.js';
export type { AccessErrorCode } from './errors.js';
export { ACCESS_ERRORS } from './errors.js';
export type { OperatorRepository } from './ports.js';
export { can, requirePermission } from './authorize.js';
export type { OperatorDeps } from './operators.js';
export { addOperator, authenticate, createOperator, disableOperator, listOperators, rotateOperatorToken } from './operators.js';
