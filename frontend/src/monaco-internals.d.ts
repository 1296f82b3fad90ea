// Monaco's internal error hub (no public typing); see editor/monacoSetup.ts.
declare module "monaco-editor/esm/vs/base/common/errors.js" {
  export const errorHandler: object;
}
