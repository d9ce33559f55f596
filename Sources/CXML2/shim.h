#ifndef CXML2_SHIM_H
#define CXML2_SHIM_H

/*
 * Debian's libxml2 is built with ICU, so <libxml/encoding.h> includes <unicode/ucnv.h>. Swift's
 * Foundation carries its own ICU copy (_FoundationICU) whose UErrorCode differs from the system's,
 * and any Swift module that sees both fails to build ("'UErrorCode' has different definitions in
 * different modules"), intermittently with a warm module cache and always from a clean one.
 * samlgate never uses ICU converters, so the include is suppressed and the two ICU names that
 * libxml2's `struct _uconv_t` mentions are replaced by layout-identical stand-ins (a pointer to an
 * opaque struct, and a 16-bit code unit); every libxml2 structure keeps its exact layout.
 */
#ifndef UCNV_H
#define UCNV_H
#endif
#define UConverter struct samlgate_UConverter
#define UChar unsigned short

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/valid.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>
#include <libxml/globals.h>
#include <libxml/xpath.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#undef UConverter
#undef UChar

/// `xmlFree` is a global function pointer exported as a macro-ish variable that Swift 6 rejects
/// (mutable global state); this gives Swift a plain function that frees libxml2-owned memory.
static inline void CXML2_free(void *pointer) {
    xmlFree(pointer);
}

/// libxml2's generic error handler type is variadic, which Swift cannot express; this no-op
/// lets CXML2_silenceErrors install a handler that drops messages instead of printing them.
static inline void CXML2_ignoreGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Drops libxml2 messages that would otherwise go to stderr, for the calling thread and (through
/// the xmlThrDef* defaults) for every thread that first touches libxml2 afterwards. Parser errors
/// are still recorded per parser context (`xmlCtxtGetLastError`), which is how callers see them.
static inline void CXML2_silenceErrors(void) {
    xmlThrDefSetGenericErrorFunc(NULL, CXML2_ignoreGenericError);
    xmlSetGenericErrorFunc(NULL, CXML2_ignoreGenericError);
    xmlThrDefSetStructuredErrorFunc(NULL, NULL);
    xmlSetStructuredErrorFunc(NULL, NULL);
}

#endif
