// SPDX-License-Identifier: Apache-2.0
// index.js: every screen of the console, in navigation order. A new screen is a module in this
// folder (see app.js for its shape) and one line here. A more specific path goes before a
// pattern that would also match it (/reports/new before /reports/:id).
import me from './me.js';
import dashboard from './dashboard.js';
import { reportList, reportNew, reportDetail } from './reports.js';
import audit from './audit.js';
import users from './users.js';
import tokens from './tokens.js';

export default [me, dashboard, reportList, reportNew, reportDetail, audit, users, tokens];
