export { checkContract, type ContractInput, type ContractRoles } from './check.js';
export { contractCheckResult } from './result.js';
export { renderContract } from './render.js';
export { runContractCheck, type RunContractInput } from './run-check.js';
