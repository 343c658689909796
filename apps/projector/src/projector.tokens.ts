export const LOGGER = Symbol('LOGGER');
export const PROJECTOR_GROUP_ID = Symbol('PROJECTOR_GROUP_ID');
