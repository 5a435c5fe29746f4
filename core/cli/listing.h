/* --list, --list-events: printing field registries and the event table for users. */
#ifndef VG_LISTING_H
#define VG_LISTING_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "fields/fields.h"

/* Prints the fields of one source. Hidden fields are skipped. Fields whose extractor is named
 * in `seen` are still printed: each source lists its complete field set. For JSON the caller
 * brackets several sources with vg_listing_json_begin/end. */
void vg_listing_fields(FILE *out, const vg_fields *reg, vg_list_format fmt, bool names_only, bool first);
void vg_listing_json_begin(FILE *out);
void vg_listing_json_end(FILE *out);

/* Every syscall event type vigil knows, with its parameters. */
void vg_listing_events(FILE *out, vg_list_format fmt);

#endif
