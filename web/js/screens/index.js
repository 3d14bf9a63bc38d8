// SPDX-License-Identifier: Apache-2.0
// index.js: every screen of the console, in navigation order. A new screen is a module in this
// folder (see app.js for its shape) and one line here. A more specific path goes before a
// pattern that would also match it (/reports/new before /reports/:id).
import me from './me.js';
import dashboard from './dashboard.js';
import queue from './queue.js';
import caseView from './case.js';
import appeals from './appeals.js';
import { orderList, orderDetail } from './orders.js';
import evidence from './evidence.js';
import sor from './sor.js';
import flaggers from './flaggers.js';
import transparency from './transparency.js';
import { reportList, reportNew, reportDetail } from './reports.js';
import audit from './audit.js';
import users from './users.js';
import tokens from './tokens.js';

export default [me, dashboard, queue, caseView, appeals, orderList, orderDetail, evidence, sor,
  flaggers, transparency, reportList, reportNew, reportDetail, audit, users, tokens];
