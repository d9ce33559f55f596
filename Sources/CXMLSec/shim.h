#ifndef CXMLSEC_SHIM_H
#define CXMLSEC_SHIM_H

/*
 * SwiftPM drops every -D flag from `pkg-config --cflags xmlsec1-openssl` ("prohibited flags").
 * Those defines change struct layouts (XMLSEC_NO_SIZE_T turns xmlSecSize into unsigned int), so
 * without them Swift would read xmlSecDSigCtx at the wrong offsets. They are restated here and
 * must match `pkg-config --cflags xmlsec1-openssl`; XMLSecurityTests compares the sizes.
 */
#ifndef XMLSEC_CRYPTO_OPENSSL
#define XMLSEC_CRYPTO_OPENSSL 1
#endif
#ifndef XMLSEC_NO_SIZE_T
#define XMLSEC_NO_SIZE_T
#endif
#ifndef XMLSEC_NO_GOST
#define XMLSEC_NO_GOST 1
#endif
#ifndef XMLSEC_NO_GOST2012
#define XMLSEC_NO_GOST2012 1
#endif
#ifndef XMLSEC_NO_CRYPTO_DYNAMIC_LOADING
#define XMLSEC_NO_CRYPTO_DYNAMIC_LOADING 1
#endif
#ifndef XMLSEC_OPENSSL3_ENGINES
#define XMLSEC_OPENSSL3_ENGINES 1
#endif
#ifndef __XMLSEC_FUNCTION__
#define __XMLSEC_FUNCTION__ __func__
#endif

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

#include <libxml/tree.h>
#include <libxml/parser.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlenc.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/transforms.h>
#include <xmlsec/membuf.h>
#include <xmlsec/nodeset.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <openssl/evp.h>

#undef UConverter
#undef UChar

/// The C `sizeof(xmlSecDSigCtx)` as the library's headers see it, so a test can prove the Swift
/// import uses the same layout (a wrong define would silently shift every field).
static inline unsigned long CXMLSec_sizeofDSigCtx(void) {
    return (unsigned long)sizeof(xmlSecDSigCtx);
}

/// `xmlSecSize` is a `#define` (unsigned int under XMLSEC_NO_SIZE_T), invisible to Swift; this typedef
/// names it so Swift code can convert counts with `CXMLSec_Size(count)`.
typedef xmlSecSize CXMLSec_Size;

/// `xmlSecCheckVersion()` is a macro; Swift cannot see macros with arguments.
static inline int CXMLSec_checkVersion(void) {
    return xmlSecCheckVersion();
}

/// `XMLSEC_VERSION` ("1.2.37"), a macro string.
static inline const char *CXMLSec_version(void) {
    return XMLSEC_VERSION;
}

/// `xmlSecCryptoAppInit` maps to the OpenSSL flavour through a macro.
static inline int CXMLSec_cryptoAppInit(void) {
    return xmlSecCryptoAppInit(NULL);
}

/// `xmlSecCryptoInit` maps to the OpenSSL flavour through a macro.
static inline int CXMLSec_cryptoInit(void) {
    return xmlSecCryptoInit();
}

#endif
