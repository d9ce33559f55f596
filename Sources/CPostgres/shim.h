#ifndef CPOSTGRES_SHIM_H
#define CPOSTGRES_SHIM_H

#include <libpq-fe.h>

/// `PG_DIAG_SQLSTATE` is a character macro Swift does not import; this reads the failed statement's
/// five-character SQLSTATE (NULL when the failure did not come from the server).
static inline const char *CPostgres_resultSQLState(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}

/// `PG_DIAG_MESSAGE_PRIMARY` is a character macro too: the server's one-line message without the
/// "ERROR:" prefix and the detail lines that may quote row values.
static inline const char *CPostgres_resultPrimaryMessage(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
}

/// A notice processor that drops notices: libpq prints them to stderr by default, which would put
/// unformatted lines ("NOTICE: relation already exists, skipping") into the responder's log stream.
static inline void CPostgres_ignoreNotice(void *context, const char *message) {
    (void)context;
    (void)message;
}

/// Installs ``CPostgres_ignoreNotice`` on a connection; a C function pointer is simpler to pass from here
/// than a Swift `@convention(c)` closure.
static inline void CPostgres_silenceNotices(PGconn *connection) {
    PQsetNoticeProcessor(connection, CPostgres_ignoreNotice, NULL);
}

#endif
