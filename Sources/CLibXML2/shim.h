#ifndef NOTEGATE_CLIBXML2_SHIM_H
#define NOTEGATE_CLIBXML2_SHIM_H

// libxml2's HTML parser, for turning HTML-only mail into text.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#endif
