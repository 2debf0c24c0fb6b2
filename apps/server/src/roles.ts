/**
 * Roles (DESIGN §6): a viewer reads; an analyst also edits drafts; an approver also signs
 * approvals; an admin may do everything (publish, deploy, packs, plants, secrets, users).
 */
export const ROLES = ['viewer', 'analyst', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who may call a route: a role, or anyone (`public`: login, health). */
export type Access = Role | 'public';

const GRANTS: Readonly<Record<Role, readonly Role[]>> = {
  viewer: ['viewer'],
  analyst: ['viewer', 'analyst'],
  approver: ['viewer', 'approver'],
  admin: ['viewer', 'analyst', 'approver', 'admin'],
};

/** Whether a user with `role` may call a route that needs `need`. */
export function allows(role: Role, need: Access): boolean {
  return need === 'public' || GRANTS[role].includes(need);
}

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** The caller of a request, once authenticated. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  /** How the request proved it: an API token (Authorization: Bearer) or the designer's session cookie. */
  readonly via: 'token' | 'session';
}
