/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_records.h: the HTTP handlers of removal orders, the evidence vault, the TCO report and
 * the dashboard (server_records.c), their rows of the route table (VG_RECORDS_ROUTES, spliced
 * into vg__routes[] in server_routes.c), and the evidence sweeper the server runs.
 */
#ifndef VG_SERVER_RECORDS_H
#define VG_SERVER_RECORDS_H

#include "server.h"

void vg__h_orders_create(struct vg_req *r);
void vg__h_orders_list(struct vg_req *r);
void vg__h_orders_stats(struct vg_req *r);
void vg__h_order_get(struct vg_req *r);
void vg__h_order_action(struct vg_req *r);
void vg__h_order_clarified(struct vg_req *r);
void vg__h_order_scrutiny(struct vg_req *r);
void vg__h_order_annex2(struct vg_req *r);
void vg__h_order_annex3(struct vg_req *r);
void vg__h_evidence_list(struct vg_req *r);
void vg__h_evidence_access(struct vg_req *r);
void vg__h_evidence_extend(struct vg_req *r);
void vg__h_evidence_expire(struct vg_req *r);
void vg__h_report_tco(struct vg_req *r);
void vg__h_dashboard(struct vg_req *r);

#define ORDER_MANAGERS (ROLE(ADMIN) | ROLE(LEAD))
#define ORDER_ACTORS   (ROLE(ADMIN) | ROLE(LEAD) | ROLE(REVIEWER))
#define ORDER_READERS  (ROLES_STAFF | ROLE(AUDITOR))
#define RECORD_READERS (ROLE(ADMIN) | ROLE(LEAD) | ROLE(AUDITOR))

/* clang-format off */
#define VG_RECORDS_ROUTES                                                                          \
    { "POST", "/api/v1/orders", ORDER_MANAGERS, 0, vg__h_orders_create,                            \
      "receive a TCO removal order (Annex I fields); its one-hour clock starts" },                 \
    { "GET", "/api/v1/orders", ORDER_READERS, 0, vg__h_orders_list,                                \
      "removal orders, newest first, with their clocks" },                                         \
    { "GET", "/api/v1/orders/stats", ORDER_READERS, 0, vg__h_orders_stats,                         \
      "median and worst receipt-to-action times" },                                                \
    { "GET", "/api/v1/orders/{id}", ORDER_READERS, 0, vg__h_order_get,                             \
      "one removal order with its clock" },                                                        \
    { "POST", "/api/v1/orders/{id}/action", ORDER_ACTORS, 0, vg__h_order_action,                   \
      "act on an order (removed, disabled: Annex II) or cannot comply (Annex III)" },              \
    { "POST", "/api/v1/orders/{id}/clarified", ORDER_MANAGERS, 0, vg__h_order_clarified,           \
      "the authority clarified: the paused clock restarts" },                                      \
    { "POST", "/api/v1/orders/{id}/scrutiny", ORDER_MANAGERS, 0, vg__h_order_scrutiny,             \
      "cross-border scrutiny (Art 4): requested, confirmed, revoked" },                            \
    { "GET", "/api/v1/orders/{id}/annex2", ORDER_READERS, 0, vg__h_order_annex2,                   \
      "the Annex II reply (after an action)" },                                                    \
    { "GET", "/api/v1/orders/{id}/annex3", ORDER_READERS, 0, vg__h_order_annex3,                   \
      "the Annex III reply (after cannot comply)" },                                               \
    { "GET", "/api/v1/evidence", RECORD_READERS, 0, vg__h_evidence_list,                           \
      "the evidence vault: metadata only" },                                                       \
    { "POST", "/api/v1/evidence/{id}/access", ORDER_MANAGERS, 0, vg__h_evidence_access,            \
      "read an item's content for a stated purpose (audited)" },                                   \
    { "POST", "/api/v1/evidence/{id}/extend", ORDER_MANAGERS, 0, vg__h_evidence_extend,            \
      "keep an item longer, with a reason (audited)" },                                            \
    { "POST", "/api/v1/evidence/expire", ROLE(ADMIN), 0, vg__h_evidence_expire,                    \
      "delete the items past their expiry now" },                                                  \
    { "GET", "/api/v1/reports/tco", RECORD_READERS, 0, vg__h_report_tco,                           \
      "TCO Art 7 transparency report of a year (JSON or Markdown)" },                              \
    { "GET", "/api/v1/dashboard", ORDER_READERS, 0, vg__h_dashboard,                               \
      "monitoring dashboard series" },
/* clang-format on */

/* The evidence sweeper: a thread that deletes expired evidence at start and then every
 * `interval` seconds, on a connection of its own. */
struct vg__sweeper;
vg_status vg__sweeper_start(const char *db_path, unsigned interval, struct vg__sweeper **out);
void vg__sweeper_stop(struct vg__sweeper *s);

#endif /* VG_SERVER_RECORDS_H */
