/**
 * Most alerts an incident's detail (`GET /incidents/:id`, chat's `show incident`) and its
 * export carry inline. An `alerts:write` key can put 20,000 alerts in one incident in
 * seconds, and every read of it was then 8 MB (the export 19 MB); the rest are listed by
 * `GET /alerts?incidentId=`, and `incident.alertCount` says how many there are.
 */
export const MAX_INLINE_INCIDENT_ALERTS = 1000;
