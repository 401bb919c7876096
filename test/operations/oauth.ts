/**
 * Provider sign-in operations the integration tests send: the admin's providers, the loginCode
 * exchange, linking, and the linked providers on me/viewer. Typed by graphql-codegen (test/gql).
 */
import { graphql } from "../gql/index.ts";

/**
 * What the tests read of a provider, in the listing and in an update's answer alike. Fragment masking is
 * off (codegen.ts): the fields appear in each operation's result type as if written out.
 */
export const AuthProviderFields = graphql(`
  fragment AuthProviderFields on AuthProvider {
    name
    label
    enabled
    preset
    clientId
    hasClientSecret
    scopes
    issuer
    authorizationUrl
    tokenUrl
    userinfoUrl
  }
`);

export const AuthProviders = graphql(`
  query AuthProviders {
    authProviders {
      ...AuthProviderFields
    }
  }
`);

export const UpdateAuthProvider = graphql(`
  mutation UpdateAuthProvider($name: String!, $input: AuthProviderInput!) {
    updateAuthProvider(name: $name, input: $input) {
      ...AuthProviderFields
    }
  }
`);

export const OAuthLogin = graphql(`
  mutation OAuthLogin($code: String!) {
    oauthLogin(code: $code) {
      jwt
      refreshToken
      user {
        id
        username
        email
        confirmed
        linkedProviders {
          provider
          email
        }
      }
    }
  }
`);

export const LinkProvider = graphql(`
  mutation LinkProvider($provider: String!, $redirect: String!) {
    linkProvider(provider: $provider, redirect: $redirect) {
      url
    }
  }
`);

export const UnlinkProvider = graphql(`
  mutation UnlinkProvider($provider: String!) {
    unlinkProvider(provider: $provider) {
      ok
    }
  }
`);

export const MyLinkedProviders = graphql(`
  query MyLinkedProviders {
    me {
      id
      linkedProviders {
        provider
        email
        linkedAt
        lastSignInAt
      }
    }
    viewer {
      id
      linkedProviders {
        provider
      }
    }
  }
`);

export const ProviderRedirectUrls = graphql(`
  mutation ProviderRedirectUrls($urls: [String!]!) {
    updateSettings(input: { providerRedirectUrls: $urls }) {
      providerRedirectUrls
    }
  }
`);
