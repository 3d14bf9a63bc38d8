// SPDX-License-Identifier: Apache-2.0
// roles.js: the roles of docs/server.md and the groups the screens use. The server's route
// table is the authority; these only decide what the console offers to show.

export const ROLES = ['admin', 'lead', 'reviewer', 'analyst', 'trusted_flagger', 'auditor'];
export const ALL = ROLES;
export const STAFF = ['admin', 'lead', 'reviewer', 'analyst'];
export const FILERS = [...STAFF, 'trusted_flagger'];
export const AUDITORS = ['admin', 'auditor'];
export const ADMIN = ['admin'];
// Casework (docs/api.md): who reads cases and orders, who claims and decides, who files
// appeals, who receives orders and keeps the evidence vault and the transparency reports.
export const CASE_READERS = ['admin', 'lead', 'reviewer', 'analyst', 'auditor'];
export const DECIDERS = ['admin', 'lead', 'reviewer'];
export const APPELLANTS = ['admin', 'lead', 'reviewer', 'trusted_flagger'];
export const LEADS = ['admin', 'lead'];
export const RECORDS = ['admin', 'lead', 'auditor'];
export const FLAGGER_VIEWERS = ['admin', 'lead', 'trusted_flagger'];

export const ROLE_LABELS = {
  admin: 'admin',
  lead: 'lead',
  reviewer: 'reviewer',
  analyst: 'analyst',
  trusted_flagger: 'trusted flagger',
  auditor: 'auditor',
};
