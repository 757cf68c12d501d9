#ifndef NOTEGATE_CLIBXML2_SHIM_H
#define NOTEGATE_CLIBXML2_SHIM_H

// libxml2's HTML parser, for turning HTML-only mail into text.
#include <libxml/xmlversion.h>

// Debian builds libxml2 with ICU, and then libxml/encoding.h includes the system's ICU headers, which
// clash with the ICU copy inside Swift's Foundation on Linux ("'UErrorCode' has different definitions
// in different modules") in any Swift module that sees both. notegate never uses libxml2's ICU
// converters (its input is UTF-8 already), so their declarations are left out.
#undef LIBXML_ICU_ENABLED

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#endif
