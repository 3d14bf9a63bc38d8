/* SPDX-License-Identifier: Apache-2.0 */
/*
 * server_cases.h: the casework routes (server_cases.c) as rows the route table appends
 * (VG_CASES_ROUTES), so the table stays one declarative array (the role walk of
 * tests/cases/0100-server iterates it).
 */
#ifndef VG_SERVER_CASES_H
#define VG_SERVER_CASES_H

#include "server.h"

void h_cases_list(struct vg_req *r);
void h_case_get(struct vg_req *r);
void h_case_claim(struct vg_req *r);
void h_case_release(struct vg_req *r);
void h_cases_bulk(struct vg_req *r);
void h_case_decide(struct vg_req *r);
void h_case_appeal(struct vg_req *r);
void h_case_appeal_decide(struct vg_req *r);
void h_flaggers(struct vg_req *r);
void h_flaggers_mute(struct vg_req *r);
void h_sor(struct vg_req *r);
void h_dsa_report(struct vg_req *r);

#define CASE_READERS   (ROLE(ADMIN) | ROLE(LEAD) | ROLE(REVIEWER) | ROLE(ANALYST) | ROLE(AUDITOR))
#define CASE_DECIDERS  (ROLE(ADMIN) | ROLE(LEAD) | ROLE(REVIEWER))
#define CASE_APPELLANT (CASE_DECIDERS | ROLE(FLAGGER))
#define CASE_LEADS     (ROLE(ADMIN) | ROLE(LEAD))
#define CASE_RECORDS   (ROLE(ADMIN) | ROLE(LEAD) | ROLE(AUDITOR))

/* clang-format off */
#define VG_CASES_ROUTES                                                                            \
    { "GET", "/api/v1/cases", CASE_READERS, 0, h_cases_list,                                       \
      "the queue: lanes first, then priority (filters lane, status, mine, unclaimed, limit)" },    \
    { "GET", "/api/v1/cases/{id}", CASE_READERS, 0, h_case_get,                                    \
      "one case: posts, account, history, return links, neighbourhood, matches, decisions" },      \
    { "POST", "/api/v1/cases/{id}/claim", CASE_DECIDERS, 0, h_case_claim,                          \
      "claim a case exclusively (409 when another holds it)" },                                    \
    { "POST", "/api/v1/cases/{id}/release", CASE_DECIDERS, 0, h_case_release,                      \
      "give a claim back (leads: anyone's)" },                                                     \
    { "POST", "/api/v1/cases/bulk", CASE_DECIDERS, 0, h_cases_bulk,                                \
      "claim, release or decide many cases (at most 500)" },                                                             \
    { "POST", "/api/v1/cases/{id}/decisions", CASE_DECIDERS, 0, h_case_decide,                     \
      "decide a case you claimed" },                                                               \
    { "POST", "/api/v1/cases/{id}/appeals", CASE_APPELLANT, 0, h_case_appeal,                      \
      "appeal a case's decision on the affected user's behalf" },                                  \
    { "POST", "/api/v1/cases/{id}/appeals/decision", CASE_DECIDERS, 0, h_case_appeal_decide,       \
      "decide an appeal (not by the original decider)" },                                          \
    { "GET", "/api/v1/flaggers/me", ROLE(FLAGGER), 0, h_flaggers,                                  \
      "a trusted flagger's own accuracy" },                                                        \
    { "GET", "/api/v1/flaggers", CASE_LEADS, 0, h_flaggers, "every trusted flagger's accuracy" },  \
    { "POST", "/api/v1/flaggers/mute", CASE_LEADS, 0, h_flaggers_mute,                             \
      "mute or unmute an abusive reporter" },                                                      \
    { "GET", "/api/v1/sor", CASE_RECORDS, 0, h_sor,                                                \
      "DSA statements of reasons, a batch of at most 100" },                                       \
    { "GET", "/api/v1/reports/dsa", CASE_RECORDS, 0, h_dsa_report, "DSA transparency counters" },
/* clang-format on */

#endif /* VG_SERVER_CASES_H */
