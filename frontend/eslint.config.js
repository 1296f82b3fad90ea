// ESLint for the front end (flat config): typescript-eslint's type-checked rules over the
// project's tsconfig, React's hooks rules and Vite's fast-refresh rule. `npm run lint`
// (`make eslint`, part of `make test`) allows no warning: a finding is fixed, or disabled on
// its line with the reason.
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import reactRefresh from "eslint-plugin-react-refresh";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "../src/pairpad/static/"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-refresh": reactRefresh },
    rules: {
      // Hooks called conditionally break React's state: always an error.
      "react-hooks/rules-of-hooks": "error",
      // A heuristic (an effect may rightly run on fewer deps): a warning in the editor, but
      // --max-warnings=0 still makes each one a fix or a disable comment with the reason.
      "react-hooks/exhaustive-deps": "warn",
      // Flags the deliberate resets of local state from props or server data (and state holding
      // Monaco models made in an effect); the fix is a render-timing refactor, not a bug fix.
      "react-hooks/set-state-in-effect": "off",
      // Components only per module, so `npm run dev` hot-swaps them; helpers live in .ts modules.
      "react-refresh/only-export-components": ["warn", { allowConstantExport: true }],
      // Same convention as tsc's noUnusedParameters: a leading underscore marks "unused on purpose".
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
  {
    files: ["**/*.test.{ts,tsx}"],
    rules: {
      // Test fakes implement async interfaces with `async` methods that have nothing to await.
      "@typescript-eslint/require-await": "off",
    },
  },
);
