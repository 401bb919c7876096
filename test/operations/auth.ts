/**
 * Auth operations the integration tests send: sign-up, sign-in and `me`, password change and reset,
 * email confirmation. Typed by graphql-codegen (test/gql) against schema.graphql.
 */
import { graphql } from "../gql/index.ts";

export const Register = graphql(`
  mutation Register($input: UsersPermissionsRegisterInput!) {
    register(input: $input) {
      jwt
      refreshToken
      user {
        id
        documentId
        username
        email
        confirmed
        blocked
        role {
          name
          type
        }
      }
    }
  }
`);

/** Registration while email confirmation is required: no token yet, and the user's confirmation state. */
export const RegisterPending = graphql(`
  mutation RegisterPending($input: UsersPermissionsRegisterInput!) {
    register(input: $input) {
      jwt
      user {
        username
        confirmed
      }
    }
  }
`);

export const Login = graphql(`
  mutation Login($input: UsersPermissionsLoginInput!) {
    login(input: $input) {
      jwt
      refreshToken
      user {
        id
        username
      }
    }
  }
`);

export const Me = graphql(`
  query Me {
    me {
      id
      username
      email
      role {
        type
      }
    }
  }
`);

export const ChangePassword = graphql(`
  mutation ChangePassword($currentPassword: String!, $password: String!, $passwordConfirmation: String!) {
    changePassword(currentPassword: $currentPassword, password: $password, passwordConfirmation: $passwordConfirmation) {
      jwt
      refreshToken
    }
  }
`);

export const ForgotPassword = graphql(`
  mutation ForgotPassword($email: String!) {
    forgotPassword(email: $email) {
      ok
    }
  }
`);

export const ResetPassword = graphql(`
  mutation ResetPassword($code: String!, $password: String!, $passwordConfirmation: String!) {
    resetPassword(code: $code, password: $password, passwordConfirmation: $passwordConfirmation) {
      jwt
      refreshToken
      user {
        username
      }
    }
  }
`);

export const ConfirmEmail = graphql(`
  mutation ConfirmEmail($confirmation: String!) {
    emailConfirmation(confirmation: $confirmation) {
      jwt
      user {
        username
        confirmed
      }
    }
  }
`);

export const ResendConfirmation = graphql(`
  mutation ResendConfirmation($email: String!) {
    sendEmailConfirmation(email: $email) {
      ok
    }
  }
`);

/** `me` with what Me leaves out: the confirmed flag and the role's display name. */
export const MeDetails = graphql(`
  query MeDetails {
    me {
      email
      confirmed
      role {
        name
      }
    }
  }
`);
