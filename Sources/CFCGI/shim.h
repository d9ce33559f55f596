#ifndef CFCGI_SHIM_H
#define CFCGI_SHIM_H

#include <fcgiapp.h>
/* The record-level constants (FCGI_RESPONDER, FCGI_AUTHORIZER, FCGI_LISTENSOCK_FILENO): fcgiapp.h
   does not include them. */
#include <fastcgi.h>

/* The process environment, for CGI mode. `environ` is a mutable C global, which Swift 6
   refuses to read directly; CGI mode reads it once, on the only thread, before serving. */
static inline char *const *CFCGI_environment(void) {
    extern char **environ;
    return environ;
}

#endif
