/**
 * How the simulator recognises events Tandem made: Tandem marks them with a named string extended
 * property whose id contains "Name TandemId" (e.g. "String {GUID} Name TandemId").
 */
export const tandemPropertyMarker = 'name tandemid';
