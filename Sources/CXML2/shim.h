#ifndef CXML2_SHIM_H
#define CXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>
#include <libxml/valid.h>
#include <libxml/xmlsave.h>
#include <libxml/xmlschemas.h>

/// `xmlFree` is a global function pointer exported as a macro-ish variable that Swift 6 rejects
/// (mutable global state); this gives Swift a plain function that frees libxml2-owned memory.
static inline void CXML2_free(void *pointer) {
    xmlFree(pointer);
}

#endif
