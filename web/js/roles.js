// SPDX-License-Identifier: Apache-2.0
// roles.js: the roles of docs/server.md and the groups the screens use. The server's route
// table is the authority; these only decide what the console offers to show.

export const ROLES = ['admin', 'lead', 'reviewer', 'analyst', 'trusted_flagger', 'auditor'];
export const ALL = ROLES;
export const STAFF = ['admin', 'lead', 'reviewer', 'analyst'];
export const FILERS = [...STAFF, 'trusted_flagger'];
export const AUDITORS = ['admin', 'auditor'];
export const ADMIN = ['admin'];

export const ROLE_LABELS = {
  admin: 'admin',
  lead: 'lead',
  reviewer: 'reviewer',
  analyst: 'analyst',
  trusted_flagger: 'trusted flagger',
  auditor: 'auditor',
};
