/** Adds validation rules to every operation Yoga validates. */
import type { ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";

export function useValidationRules(rules: ValidationRule[]): Plugin {
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
