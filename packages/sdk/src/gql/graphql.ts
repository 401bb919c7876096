/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What a rule does. */
export type AclPermission =
  /** Grants access. */
  | 'ALLOW'
  /** Refuses access; a matching DENY wins over ALLOW at the same precision. */
  | 'DENY';

/** Whom a rule is for. */
export type AclPrincipalType =
  /** A role, named by its type or name, or a dynamic role such as $owner. */
  | 'ROLE'
  /** One user, named by id. */
  | 'USER';

/** A rule to store (docs/authorization.md). */
export type AclRuleInput = {
  /** READ, WRITE, EXECUTE or *. */
  accessType?: string;
  /** Allow or deny. */
  permission: AclPermission;
  /** A role's type or name, a dynamic role such as $owner, or a user id. */
  principalId: string;
  /** Whether principalId names a role or a user. */
  principalType: AclPrincipalType;
  /** Schema coordinate (Query.users, User.email), Type.* or *. */
  resource: string;
};

/** What an audit log entry records. */
export type AuditAction =
  /** Repeated failures locked an account for a while. */
  | 'ACCOUNT_LOCKED'
  /** An admin unlocked an account. */
  | 'ACCOUNT_UNLOCKED'
  /** An access rule was created or deleted. */
  | 'ACL_CHANGED'
  /** An admin changed a sign-in provider's settings (never its secret). */
  | 'AUTH_PROVIDER_CHANGED'
  /** An email address was confirmed. */
  | 'EMAIL_CONFIRMED'
  /** A sign-in was refused (wrong credentials, blocked, unconfirmed or locked). */
  | 'LOGIN_FAILED'
  /** A user signed in. */
  | 'LOGIN_SUCCEEDED'
  /** A user changed their password. */
  | 'PASSWORD_CHANGED'
  /** A password was reset with an emailed code. */
  | 'PASSWORD_RESET'
  /** A password reset email was asked for. */
  | 'PASSWORD_RESET_REQUESTED'
  /** A provider account was linked to a user. */
  | 'PROVIDER_LINKED'
  /** A sign-in through an OAuth/OIDC provider, successful or refused. */
  | 'PROVIDER_SIGN_IN'
  /** A provider account was unlinked from a user. */
  | 'PROVIDER_UNLINKED'
  /** A role was created, changed, deleted, assigned or unassigned. */
  | 'ROLE_CHANGED'
  /** A session was ended (logout, revokeSession, an admin, or a replayed refresh token). */
  | 'SESSION_REVOKED'
  /** The settings or an email template changed. */
  | 'SETTINGS_CHANGED'
  /** Someone registered with an existing account's address; its owner was notified. */
  | 'SIGN_UP_WITH_TAKEN_EMAIL'
  /** Users were imported from a Strapi export (`gatehouse import strapi`). */
  | 'USERS_IMPORTED'
  /** An admin blocked a user. */
  | 'USER_BLOCKED'
  /** An admin created an account (createUser or `gatehouse users create`). */
  | 'USER_CREATED'
  /** An admin deleted a user. */
  | 'USER_DELETED'
  /** An account was created by register. */
  | 'USER_REGISTERED'
  /** An admin unblocked a user. */
  | 'USER_UNBLOCKED';

/** Every field is optional; given fields must all match. */
export type AuditLogFilter = {
  /** Any of these actions. */
  actions?: Array<AuditAction> | null | undefined;
  /** Entries by this user. */
  actorId?: string | number | null | undefined;
  /** Entries at or after this instant. */
  from?: string | null | undefined;
  /** Entries from this client address. */
  ip?: string | null | undefined;
  /** Only successes (true) or only refusals (false). */
  success?: boolean | null | undefined;
  /** Entries about this id (with targetType). */
  targetId?: string | null | undefined;
  /** Entries about this kind of thing: User, Role, AclRule, Settings. */
  targetType?: string | null | undefined;
  /** Entries before this instant. */
  to?: string | null | undefined;
};

/** Absent fields stay as they are; null clears one (scopes and URLs fall back to the preset's). */
export type AuthProviderInput = {
  /** Authorization endpoint of a generic OAuth 2 provider. */
  authorizationUrl?: string | null | undefined;
  /** The OAuth client id registered with the provider. */
  clientId?: string | null | undefined;
  /** Write-only; stored encrypted (AUTH_PROVIDER_SECRET_KEY). */
  clientSecret?: string | null | undefined;
  /** Enabling needs clientId, clientSecret, and an issuer or the three endpoints (from the preset or here). */
  enabled?: boolean | null | undefined;
  /** OpenID Connect issuer: discovery, ID token validated. Generic providers set this or the three URLs. */
  issuer?: string | null | undefined;
  /** Scopes to request; null falls back to the preset's. */
  scopes?: Array<string> | null | undefined;
  /** Token endpoint of a generic OAuth 2 provider. */
  tokenUrl?: string | null | undefined;
  /** Profile endpoint of a generic OAuth 2 provider. */
  userinfoUrl?: string | null | undefined;
};

/** Changes to one email template; fields left out keep their value. */
export type EmailTemplateInput = {
  /** MJML document; checked to compile before it is stored. */
  body?: string | null | undefined;
  /** Sender address; null goes back to the one from EMAIL_FROM. */
  fromEmail?: string | null | undefined;
  /** Sender name; null goes back to the one from EMAIL_FROM. */
  fromName?: string | null | undefined;
  /** Which email. */
  name: EmailTemplateName;
  /** Reply-To address. */
  replyTo?: string | null | undefined;
  /** Subject line. */
  subject?: string | null | undefined;
};

/** The emails Gatehouse sends. */
export type EmailTemplateName =
  /** Sent on register (with settings.emailConfirmation) and sendEmailConfirmation: the confirmation link. */
  | 'emailConfirmation'
  /** Sent after a password change or reset, to warn the owner. */
  | 'passwordChanged'
  /** Sent by forgotPassword: the reset code and link. */
  | 'resetPassword'
  /** Sent to an account's owner when someone registers with its address (email confirmation on). */
  | 'signUpAttempt';

/** On which records a permission holds. */
export type PermissionScope =
  /** Allowed on any record. */
  | 'ALL'
  /** Allowed only on the caller's own records. */
  | 'OWN';

/** Where a decision comes from. */
export type PermissionSource =
  /** A rule in code: the field's own default or the admin role's wildcard. */
  | 'DEFAULT'
  /** No rule decides: refused (in gateway mode a downstream field no rule names follows GATEWAY_DEFAULT_ACCESS). */
  | 'NONE'
  /** A rule an admin stored (listed by aclRules). */
  | 'STORED';

/** A new custom role. */
export type RoleInput = {
  /** What the role is for. */
  description?: string | null | undefined;
  /** Display name; unique. */
  name: string;
  /** Slug used by ACL rules; derived from the name when absent. */
  type?: string | null | undefined;
};

/** Changes to a role; its type (the slug rules name) never changes. */
export type RoleUpdateInput = {
  /** New description. */
  description?: string | null | undefined;
  /** New display name. */
  name?: string | null | undefined;
};

/** Changes to the settings; fields left out keep their value. */
export type SettingsInput = {
  /** Whether `register` is open. */
  allowRegister?: boolean | null | undefined;
  /** Type of an existing role, given to new users. */
  defaultRole?: string | null | undefined;
  /** New accounts must confirm their email before signing in. */
  emailConfirmation?: boolean | null | undefined;
  /** Where the confirmation link sends the browser (https in production). */
  emailConfirmationRedirection?: string | null | undefined;
  /** Templates to change. */
  emailTemplates?: Array<EmailTemplateInput> | null | undefined;
  /** Front-end URLs a provider sign-in may return to (exact match). */
  providerRedirectUrls?: Array<string> | null | undefined;
  /** Extra profile fields `register` accepts. */
  registerAllowedFields?: Array<string> | null | undefined;
  /** Front-end page that receives the reset code as ?code=... (https in production). */
  resetPasswordUrl?: string | null | undefined;
  /** Only true is accepted: an email identifies one account. */
  uniqueEmail?: boolean | null | undefined;
};

/** What a user may change on their own account. */
export type UpdateMeInput = {
  /** Only fields allowed by settings (registerAllowedFields). */
  profile?: Record<string, unknown> | null | undefined;
  /** New username (identity rules apply). */
  username?: string | null | undefined;
};

/** An account created by an admin, as in Strapi's admin panel. */
export type UserCreateInput = {
  /** Default false. */
  blocked?: boolean | null | undefined;
  /** Default false, as in Strapi. */
  confirmed?: boolean | null | undefined;
  /** Stored lower-cased; unique. */
  email: string;
  /** Checked by the password policy. Omitted: the user is emailed a link to set their password (a reset code), unless blocked. */
  password?: string | null | undefined;
  /** Profile fields (any: an admin sets them). */
  profile?: Record<string, unknown> | null | undefined;
  /** The primary role, by id or type; the default role (settings) when omitted. */
  role?: string | number | null | undefined;
  /** Unique case-insensitively; the shared identity rules apply. */
  username: string;
};

/** An admin's changes to a user; fields left out keep their value. */
export type UserUpdateInput = {
  /** Blocking also revokes the user's sessions. */
  blocked?: boolean | null | undefined;
  /** Marks the email address confirmed or not. */
  confirmed?: boolean | null | undefined;
  /** New email address; spends the user's outstanding reset and confirmation codes. */
  email?: string | null | undefined;
  /** Id of the new primary role. */
  primaryRoleId?: string | number | null | undefined;
  /** Replaces the profile fields. */
  profile?: Record<string, unknown> | null | undefined;
  /** New username (identity rules apply). */
  username?: string | null | undefined;
};

/** Every field is optional; given fields must all match. */
export type UsersFilter = {
  /** Only blocked (true) or only unblocked (false) users. */
  blocked?: boolean | null | undefined;
  /** Only confirmed (true) or only unconfirmed (false) users. */
  confirmed?: boolean | null | undefined;
  /** A role's id or type (primary or further role). */
  role?: string | null | undefined;
  /** Case-insensitive part of the username, or of the email for callers who may read every email. */
  text?: string | null | undefined;
};

/** Credentials for login. */
export type UsersPermissionsLoginInput = {
  /** Email (case-insensitive) or username. */
  identifier: string;
  /** The account's password. */
  password: string;
  /** Strapi's provider name; only local is supported. */
  provider?: string;
};

/** A new account's credentials. */
export type UsersPermissionsRegisterInput = {
  /** Email address; stored lower-cased. */
  email: string;
  /** Checked against the password policy (length and strength). */
  password: string;
  /** Extra profile fields; only those listed in settings.registerAllowedFields are accepted. */
  profile?: Record<string, unknown> | null | undefined;
  /** 3 to 64 characters, no @, whitespace or invisible characters; unique case-insensitively. */
  username: string;
};

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } | null };

export type UpdateMeMutationVariables = Exact<{
  data: UpdateMeInput;
}>;


export type UpdateMeMutation = { updateMe: { id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> } };

export type MyPermissionsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPermissionsQuery = { myPermissions: Array<{ resource: string, accessType: string, scope: PermissionScope }> };

export type SessionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SessionsQuery = { sessions: { totalCount: number, hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, createdAt: string, lastUsedAt: string, expiresAt: string, userAgent: string | null, current: boolean }> } };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession: { ok: boolean } };

export type UsersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  offset?: number | null | undefined;
  filter?: UsersFilter | null | undefined;
}>;


export type UsersQuery = { users: { totalCount: number, hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> }> } };

export type UserQueryVariables = Exact<{
  id: string | number;
}>;


export type UserQuery = { user: { id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> } };

export type CreateUserMutationVariables = Exact<{
  data: UserCreateInput;
}>;


export type CreateUserMutation = { createUser: { id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> } };

export type UpdateUserMutationVariables = Exact<{
  id: string | number;
  data: UserUpdateInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> } };

export type DeleteUserMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteUserMutation = { deleteUser: { ok: boolean } };

export type UnlockUserMutationVariables = Exact<{
  id: string | number;
}>;


export type UnlockUserMutation = { unlockUser: { ok: boolean } };

export type RevokeUserSessionsMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeUserSessionsMutation = { revokeUserSessions: { ok: boolean } };

export type RolesQueryVariables = Exact<{ [key: string]: never; }>;


export type RolesQuery = { roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> };

export type RoleQueryVariables = Exact<{
  id: string | number;
}>;


export type RoleQuery = { role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string } };

export type CreateRoleMutationVariables = Exact<{
  data: RoleInput;
}>;


export type CreateRoleMutation = { createRole: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string } };

export type UpdateRoleMutationVariables = Exact<{
  id: string | number;
  data: RoleUpdateInput;
}>;


export type UpdateRoleMutation = { updateRole: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string } };

export type DeleteRoleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteRoleMutation = { deleteRole: { ok: boolean } };

export type AssignRoleMutationVariables = Exact<{
  userId: string | number;
  roleId: string | number;
}>;


export type AssignRoleMutation = { assignRole: { ok: boolean } };

export type UnassignRoleMutationVariables = Exact<{
  userId: string | number;
  roleId: string | number;
}>;


export type UnassignRoleMutation = { unassignRole: { ok: boolean } };

export type AclRulesQueryVariables = Exact<{ [key: string]: never; }>;


export type AclRulesQuery = { aclRules: Array<{ id: string, resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, createdAt: string }> };

export type CreateAclRuleMutationVariables = Exact<{
  data: AclRuleInput;
}>;


export type CreateAclRuleMutation = { createAclRule: { id: string, resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, createdAt: string } };

export type DeleteAclRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAclRuleMutation = { deleteAclRule: { ok: boolean } };

export type RolePermissionsQueryVariables = Exact<{
  roleId: string | number;
}>;


export type RolePermissionsQuery = { rolePermissions: Array<{ typeName: string, fieldName: string, resource: string, accessType: string, downstream: boolean, allowed: boolean, scope: PermissionScope | null, source: PermissionSource, rule: { resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, storedRuleId: string | null } | null }> };

export type SetRolePermissionMutationVariables = Exact<{
  roleId: string | number;
  resource: string;
  accessType?: string | null | undefined;
  allowed: boolean;
}>;


export type SetRolePermissionMutation = { setRolePermission: { typeName: string, fieldName: string, resource: string, accessType: string, downstream: boolean, allowed: boolean, scope: PermissionScope | null, source: PermissionSource, rule: { resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, storedRuleId: string | null } | null } };

export type FieldAccessQueryVariables = Exact<{
  resource: string;
  accessType?: string | null | undefined;
}>;


export type FieldAccessQuery = { fieldAccess: Array<{ principalType: AclPrincipalType, principalId: string, name: string, resource: string, accessType: string, downstream: boolean, allowed: boolean, scope: PermissionScope | null, source: PermissionSource, rule: { resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, storedRuleId: string | null } | null }> };

export type PreviewEmailTemplateQueryVariables = Exact<{
  template: EmailTemplateInput;
}>;


export type PreviewEmailTemplateQuery = { previewEmailTemplate: { subject: string, from: string, replyTo: string | null, html: string, text: string } };

export type SettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type SettingsQuery = { settings: { allowRegister: boolean, uniqueEmail: boolean, emailConfirmation: boolean, defaultRole: string, resetPasswordUrl: string | null, emailConfirmationRedirection: string | null, registerAllowedFields: Array<string>, providerRedirectUrls: Array<string>, emailTemplates: Array<{ name: EmailTemplateName, fromName: string | null, fromEmail: string | null, replyTo: string | null, subject: string, body: string, variables: Array<string> }> } };

export type UpdateSettingsMutationVariables = Exact<{
  input: SettingsInput;
}>;


export type UpdateSettingsMutation = { updateSettings: { allowRegister: boolean, uniqueEmail: boolean, emailConfirmation: boolean, defaultRole: string, resetPasswordUrl: string | null, emailConfirmationRedirection: string | null, registerAllowedFields: Array<string>, providerRedirectUrls: Array<string>, emailTemplates: Array<{ name: EmailTemplateName, fromName: string | null, fromEmail: string | null, replyTo: string | null, subject: string, body: string, variables: Array<string> }> } };

export type AuthProvidersQueryVariables = Exact<{ [key: string]: never; }>;


export type AuthProvidersQuery = { authProviders: Array<{ name: string, label: string, enabled: boolean, preset: boolean | null, clientId: string | null, hasClientSecret: boolean | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, userinfoUrl: string | null, scopes: Array<string> | null }> };

export type UpdateAuthProviderMutationVariables = Exact<{
  name: string;
  input: AuthProviderInput;
}>;


export type UpdateAuthProviderMutation = { updateAuthProvider: { name: string, label: string, enabled: boolean, preset: boolean | null, clientId: string | null, hasClientSecret: boolean | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, userinfoUrl: string | null, scopes: Array<string> | null } };

export type AuditLogQueryVariables = Exact<{
  filter?: AuditLogFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { totalCount: number, hasNextPage: boolean, endCursor: string | null, nodes: Array<{ id: string, action: AuditAction, success: boolean, actorId: string | null, targetType: string | null, targetId: string | null, ip: string | null, userAgent: string | null, metadata: Record<string, unknown>, createdAt: string, actor: { id: string, username: string } | null }> } };

export type RegisterMutationVariables = Exact<{
  input: UsersPermissionsRegisterInput;
}>;


export type RegisterMutation = { register: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } };

export type LoginMutationVariables = Exact<{
  input: UsersPermissionsLoginInput;
}>;


export type LoginMutation = { login: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } };

export type OAuthLoginMutationVariables = Exact<{
  code: string;
}>;


export type OAuthLoginMutation = { oauthLogin: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } };

export type RefreshMutationVariables = Exact<{
  refreshToken?: string | null | undefined;
}>;


export type RefreshMutation = { refresh: { jwt: string, refreshToken: string | null } };

export type LogoutMutationVariables = Exact<{
  all?: boolean | null | undefined;
}>;


export type LogoutMutation = { logout: { ok: boolean } };

export type ForgotPasswordMutationVariables = Exact<{
  email: string;
}>;


export type ForgotPasswordMutation = { forgotPassword: { ok: boolean } | null };

export type ResetPasswordMutationVariables = Exact<{
  code: string;
  password: string;
  passwordConfirmation: string;
}>;


export type ResetPasswordMutation = { resetPassword: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } | null };

export type ChangePasswordMutationVariables = Exact<{
  currentPassword: string;
  password: string;
  passwordConfirmation: string;
}>;


export type ChangePasswordMutation = { changePassword: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } | null };

export type ConfirmEmailMutationVariables = Exact<{
  confirmation: string;
}>;


export type ConfirmEmailMutation = { emailConfirmation: { jwt: string | null, refreshToken: string | null, user: { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null } } | null };

export type SendEmailConfirmationMutationVariables = Exact<{
  email: string;
}>;


export type SendEmailConfirmationMutation = { sendEmailConfirmation: { ok: boolean } | null };

export type AuthUserFieldsFragment = { id: string, documentId: string, username: string, email: string | null, confirmed: boolean | null, blocked: boolean | null, role: { id: string, name: string, description: string | null, type: string | null } | null };

export type RoleFieldsFragment = { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string };

export type UserFieldsFragment = { id: string, documentId: string, username: string, email: string | null, provider: string, confirmed: boolean, blocked: boolean, profile: Record<string, unknown>, createdAt: string, updatedAt: string, role: { id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }, roles: Array<{ id: string, documentId: string, name: string, description: string | null, type: string, createdAt: string, updatedAt: string }> };

export type SessionFieldsFragment = { id: string, createdAt: string, lastUsedAt: string, expiresAt: string, userAgent: string | null, current: boolean };

export type AclRuleFieldsFragment = { id: string, resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, createdAt: string };

export type SettingsFieldsFragment = { allowRegister: boolean, uniqueEmail: boolean, emailConfirmation: boolean, defaultRole: string, resetPasswordUrl: string | null, emailConfirmationRedirection: string | null, registerAllowedFields: Array<string>, providerRedirectUrls: Array<string>, emailTemplates: Array<{ name: EmailTemplateName, fromName: string | null, fromEmail: string | null, replyTo: string | null, subject: string, body: string, variables: Array<string> }> };

type PermissionDecisionFields_FieldAccess_Fragment = { resource: string, accessType: string, downstream: boolean, allowed: boolean, scope: PermissionScope | null, source: PermissionSource, rule: { resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, storedRuleId: string | null } | null };

type PermissionDecisionFields_RolePermission_Fragment = { resource: string, accessType: string, downstream: boolean, allowed: boolean, scope: PermissionScope | null, source: PermissionSource, rule: { resource: string, accessType: string, principalType: AclPrincipalType, principalId: string, permission: AclPermission, storedRuleId: string | null } | null };

export type PermissionDecisionFieldsFragment =
  | PermissionDecisionFields_FieldAccess_Fragment
  | PermissionDecisionFields_RolePermission_Fragment
;

export type AuthProviderFieldsFragment = { name: string, label: string, enabled: boolean, preset: boolean | null, clientId: string | null, hasClientSecret: boolean | null, issuer: string | null, authorizationUrl: string | null, tokenUrl: string | null, userinfoUrl: string | null, scopes: Array<string> | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const AuthUserFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}
    `, {"fragmentName":"AuthUserFields"}) as unknown as TypedDocumentString<AuthUserFieldsFragment, unknown>;
export const RoleFieldsFragmentDoc = new TypedDocumentString(`
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
    `, {"fragmentName":"RoleFields"}) as unknown as TypedDocumentString<RoleFieldsFragment, unknown>;
export const UserFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}`, {"fragmentName":"UserFields"}) as unknown as TypedDocumentString<UserFieldsFragment, unknown>;
export const SessionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SessionFields on Session {
  id
  createdAt
  lastUsedAt
  expiresAt
  userAgent
  current
}
    `, {"fragmentName":"SessionFields"}) as unknown as TypedDocumentString<SessionFieldsFragment, unknown>;
export const AclRuleFieldsFragmentDoc = new TypedDocumentString(`
    fragment AclRuleFields on AclRule {
  id
  resource
  accessType
  principalType
  principalId
  permission
  createdAt
}
    `, {"fragmentName":"AclRuleFields"}) as unknown as TypedDocumentString<AclRuleFieldsFragment, unknown>;
export const SettingsFieldsFragmentDoc = new TypedDocumentString(`
    fragment SettingsFields on Settings {
  allowRegister
  uniqueEmail
  emailConfirmation
  defaultRole
  resetPasswordUrl
  emailConfirmationRedirection
  registerAllowedFields
  providerRedirectUrls
  emailTemplates {
    name
    fromName
    fromEmail
    replyTo
    subject
    body
    variables
  }
}
    `, {"fragmentName":"SettingsFields"}) as unknown as TypedDocumentString<SettingsFieldsFragment, unknown>;
export const PermissionDecisionFieldsFragmentDoc = new TypedDocumentString(`
    fragment PermissionDecisionFields on PermissionDecision {
  resource
  accessType
  downstream
  allowed
  scope
  source
  rule {
    resource
    accessType
    principalType
    principalId
    permission
    storedRuleId
  }
}
    `, {"fragmentName":"PermissionDecisionFields"}) as unknown as TypedDocumentString<PermissionDecisionFieldsFragment, unknown>;
export const AuthProviderFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuthProviderFields on AuthProvider {
  name
  label
  enabled
  preset
  clientId
  hasClientSecret
  issuer
  authorizationUrl
  tokenUrl
  userinfoUrl
  scopes
}
    `, {"fragmentName":"AuthProviderFields"}) as unknown as TypedDocumentString<AuthProviderFieldsFragment, unknown>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    ...AuthUserFields
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const UpdateMeDocument = new TypedDocumentString(`
    mutation UpdateMe($data: UpdateMeInput!) {
  updateMe(data: $data) {
    ...UserFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateMeMutation, UpdateMeMutationVariables>;
export const MyPermissionsDocument = new TypedDocumentString(`
    query MyPermissions {
  myPermissions {
    resource
    accessType
    scope
  }
}
    `) as unknown as TypedDocumentString<MyPermissionsQuery, MyPermissionsQueryVariables>;
export const SessionsDocument = new TypedDocumentString(`
    query Sessions($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    nodes {
      ...SessionFields
    }
    totalCount
    hasNextPage
    endCursor
  }
}
    fragment SessionFields on Session {
  id
  createdAt
  lastUsedAt
  expiresAt
  userAgent
  current
}`) as unknown as TypedDocumentString<SessionsQuery, SessionsQueryVariables>;
export const RevokeSessionDocument = new TypedDocumentString(`
    mutation RevokeSession($id: ID!) {
  revokeSession(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const UsersDocument = new TypedDocumentString(`
    query Users($first: Int, $after: String, $offset: Int, $filter: UsersFilter) {
  users(first: $first, after: $after, offset: $offset, filter: $filter) {
    nodes {
      ...UserFields
    }
    totalCount
    hasNextPage
    endCursor
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const UserDocument = new TypedDocumentString(`
    query User($id: ID!) {
  user(id: $id) {
    ...UserFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UserQuery, UserQueryVariables>;
export const CreateUserDocument = new TypedDocumentString(`
    mutation CreateUser($data: UserCreateInput!) {
  createUser(data: $data) {
    ...UserFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateUserMutation, CreateUserMutationVariables>;
export const UpdateUserDocument = new TypedDocumentString(`
    mutation UpdateUser($id: ID!, $data: UserUpdateInput!) {
  updateUser(id: $id, data: $data) {
    ...UserFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}
fragment UserFields on User {
  id
  documentId
  username
  email
  provider
  confirmed
  blocked
  profile
  role {
    ...RoleFields
  }
  roles {
    ...RoleFields
  }
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateUserMutation, UpdateUserMutationVariables>;
export const DeleteUserDocument = new TypedDocumentString(`
    mutation DeleteUser($id: ID!) {
  deleteUser(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<DeleteUserMutation, DeleteUserMutationVariables>;
export const UnlockUserDocument = new TypedDocumentString(`
    mutation UnlockUser($id: ID!) {
  unlockUser(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<UnlockUserMutation, UnlockUserMutationVariables>;
export const RevokeUserSessionsDocument = new TypedDocumentString(`
    mutation RevokeUserSessions($id: ID!) {
  revokeUserSessions(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<RevokeUserSessionsMutation, RevokeUserSessionsMutationVariables>;
export const RolesDocument = new TypedDocumentString(`
    query Roles {
  roles {
    ...RoleFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<RolesQuery, RolesQueryVariables>;
export const RoleDocument = new TypedDocumentString(`
    query Role($id: ID!) {
  role(id: $id) {
    ...RoleFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<RoleQuery, RoleQueryVariables>;
export const CreateRoleDocument = new TypedDocumentString(`
    mutation CreateRole($data: RoleInput!) {
  createRole(data: $data) {
    ...RoleFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<CreateRoleMutation, CreateRoleMutationVariables>;
export const UpdateRoleDocument = new TypedDocumentString(`
    mutation UpdateRole($id: ID!, $data: RoleUpdateInput!) {
  updateRole(id: $id, data: $data) {
    ...RoleFields
  }
}
    fragment RoleFields on Role {
  id
  documentId
  name
  description
  type
  createdAt
  updatedAt
}`) as unknown as TypedDocumentString<UpdateRoleMutation, UpdateRoleMutationVariables>;
export const DeleteRoleDocument = new TypedDocumentString(`
    mutation DeleteRole($id: ID!) {
  deleteRole(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<DeleteRoleMutation, DeleteRoleMutationVariables>;
export const AssignRoleDocument = new TypedDocumentString(`
    mutation AssignRole($userId: ID!, $roleId: ID!) {
  assignRole(userId: $userId, roleId: $roleId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<AssignRoleMutation, AssignRoleMutationVariables>;
export const UnassignRoleDocument = new TypedDocumentString(`
    mutation UnassignRole($userId: ID!, $roleId: ID!) {
  unassignRole(userId: $userId, roleId: $roleId) {
    ok
  }
}
    `) as unknown as TypedDocumentString<UnassignRoleMutation, UnassignRoleMutationVariables>;
export const AclRulesDocument = new TypedDocumentString(`
    query AclRules {
  aclRules {
    ...AclRuleFields
  }
}
    fragment AclRuleFields on AclRule {
  id
  resource
  accessType
  principalType
  principalId
  permission
  createdAt
}`) as unknown as TypedDocumentString<AclRulesQuery, AclRulesQueryVariables>;
export const CreateAclRuleDocument = new TypedDocumentString(`
    mutation CreateAclRule($data: AclRuleInput!) {
  createAclRule(data: $data) {
    ...AclRuleFields
  }
}
    fragment AclRuleFields on AclRule {
  id
  resource
  accessType
  principalType
  principalId
  permission
  createdAt
}`) as unknown as TypedDocumentString<CreateAclRuleMutation, CreateAclRuleMutationVariables>;
export const DeleteAclRuleDocument = new TypedDocumentString(`
    mutation DeleteAclRule($id: ID!) {
  deleteAclRule(id: $id) {
    ok
  }
}
    `) as unknown as TypedDocumentString<DeleteAclRuleMutation, DeleteAclRuleMutationVariables>;
export const RolePermissionsDocument = new TypedDocumentString(`
    query RolePermissions($roleId: ID!) {
  rolePermissions(roleId: $roleId) {
    ...PermissionDecisionFields
    typeName
    fieldName
  }
}
    fragment PermissionDecisionFields on PermissionDecision {
  resource
  accessType
  downstream
  allowed
  scope
  source
  rule {
    resource
    accessType
    principalType
    principalId
    permission
    storedRuleId
  }
}`) as unknown as TypedDocumentString<RolePermissionsQuery, RolePermissionsQueryVariables>;
export const SetRolePermissionDocument = new TypedDocumentString(`
    mutation SetRolePermission($roleId: ID!, $resource: String!, $accessType: String, $allowed: Boolean!) {
  setRolePermission(
    roleId: $roleId
    resource: $resource
    accessType: $accessType
    allowed: $allowed
  ) {
    ...PermissionDecisionFields
    typeName
    fieldName
  }
}
    fragment PermissionDecisionFields on PermissionDecision {
  resource
  accessType
  downstream
  allowed
  scope
  source
  rule {
    resource
    accessType
    principalType
    principalId
    permission
    storedRuleId
  }
}`) as unknown as TypedDocumentString<SetRolePermissionMutation, SetRolePermissionMutationVariables>;
export const FieldAccessDocument = new TypedDocumentString(`
    query FieldAccess($resource: String!, $accessType: String) {
  fieldAccess(resource: $resource, accessType: $accessType) {
    ...PermissionDecisionFields
    principalType
    principalId
    name
  }
}
    fragment PermissionDecisionFields on PermissionDecision {
  resource
  accessType
  downstream
  allowed
  scope
  source
  rule {
    resource
    accessType
    principalType
    principalId
    permission
    storedRuleId
  }
}`) as unknown as TypedDocumentString<FieldAccessQuery, FieldAccessQueryVariables>;
export const PreviewEmailTemplateDocument = new TypedDocumentString(`
    query PreviewEmailTemplate($template: EmailTemplateInput!) {
  previewEmailTemplate(template: $template) {
    subject
    from
    replyTo
    html
    text
  }
}
    `) as unknown as TypedDocumentString<PreviewEmailTemplateQuery, PreviewEmailTemplateQueryVariables>;
export const SettingsDocument = new TypedDocumentString(`
    query Settings {
  settings {
    ...SettingsFields
  }
}
    fragment SettingsFields on Settings {
  allowRegister
  uniqueEmail
  emailConfirmation
  defaultRole
  resetPasswordUrl
  emailConfirmationRedirection
  registerAllowedFields
  providerRedirectUrls
  emailTemplates {
    name
    fromName
    fromEmail
    replyTo
    subject
    body
    variables
  }
}`) as unknown as TypedDocumentString<SettingsQuery, SettingsQueryVariables>;
export const UpdateSettingsDocument = new TypedDocumentString(`
    mutation UpdateSettings($input: SettingsInput!) {
  updateSettings(input: $input) {
    ...SettingsFields
  }
}
    fragment SettingsFields on Settings {
  allowRegister
  uniqueEmail
  emailConfirmation
  defaultRole
  resetPasswordUrl
  emailConfirmationRedirection
  registerAllowedFields
  providerRedirectUrls
  emailTemplates {
    name
    fromName
    fromEmail
    replyTo
    subject
    body
    variables
  }
}`) as unknown as TypedDocumentString<UpdateSettingsMutation, UpdateSettingsMutationVariables>;
export const AuthProvidersDocument = new TypedDocumentString(`
    query AuthProviders {
  authProviders {
    ...AuthProviderFields
  }
}
    fragment AuthProviderFields on AuthProvider {
  name
  label
  enabled
  preset
  clientId
  hasClientSecret
  issuer
  authorizationUrl
  tokenUrl
  userinfoUrl
  scopes
}`) as unknown as TypedDocumentString<AuthProvidersQuery, AuthProvidersQueryVariables>;
export const UpdateAuthProviderDocument = new TypedDocumentString(`
    mutation UpdateAuthProvider($name: String!, $input: AuthProviderInput!) {
  updateAuthProvider(name: $name, input: $input) {
    ...AuthProviderFields
  }
}
    fragment AuthProviderFields on AuthProvider {
  name
  label
  enabled
  preset
  clientId
  hasClientSecret
  issuer
  authorizationUrl
  tokenUrl
  userinfoUrl
  scopes
}`) as unknown as TypedDocumentString<UpdateAuthProviderMutation, UpdateAuthProviderMutationVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($filter: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    nodes {
      id
      action
      success
      actorId
      actor {
        id
        username
      }
      targetType
      targetId
      ip
      userAgent
      metadata
      createdAt
    }
    totalCount
    hasNextPage
    endCursor
  }
}
    `) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const RegisterDocument = new TypedDocumentString(`
    mutation Register($input: UsersPermissionsRegisterInput!) {
  register(input: $input) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($input: UsersPermissionsLoginInput!) {
  login(input: $input) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const OAuthLoginDocument = new TypedDocumentString(`
    mutation OAuthLogin($code: String!) {
  oauthLogin(code: $code) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<OAuthLoginMutation, OAuthLoginMutationVariables>;
export const RefreshDocument = new TypedDocumentString(`
    mutation Refresh($refreshToken: String) {
  refresh(refreshToken: $refreshToken) {
    jwt
    refreshToken
  }
}
    `) as unknown as TypedDocumentString<RefreshMutation, RefreshMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout($all: Boolean) {
  logout(all: $all) {
    ok
  }
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const ForgotPasswordDocument = new TypedDocumentString(`
    mutation ForgotPassword($email: String!) {
  forgotPassword(email: $email) {
    ok
  }
}
    `) as unknown as TypedDocumentString<ForgotPasswordMutation, ForgotPasswordMutationVariables>;
export const ResetPasswordDocument = new TypedDocumentString(`
    mutation ResetPassword($code: String!, $password: String!, $passwordConfirmation: String!) {
  resetPassword(
    code: $code
    password: $password
    passwordConfirmation: $passwordConfirmation
  ) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($currentPassword: String!, $password: String!, $passwordConfirmation: String!) {
  changePassword(
    currentPassword: $currentPassword
    password: $password
    passwordConfirmation: $passwordConfirmation
  ) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const ConfirmEmailDocument = new TypedDocumentString(`
    mutation ConfirmEmail($confirmation: String!) {
  emailConfirmation(confirmation: $confirmation) {
    jwt
    refreshToken
    user {
      ...AuthUserFields
    }
  }
}
    fragment AuthUserFields on UsersPermissionsMe {
  id
  documentId
  username
  email
  confirmed
  blocked
  role {
    id
    name
    description
    type
  }
}`) as unknown as TypedDocumentString<ConfirmEmailMutation, ConfirmEmailMutationVariables>;
export const SendEmailConfirmationDocument = new TypedDocumentString(`
    mutation SendEmailConfirmation($email: String!) {
  sendEmailConfirmation(email: $email) {
    ok
  }
}
    `) as unknown as TypedDocumentString<SendEmailConfirmationMutation, SendEmailConfirmationMutationVariables>;