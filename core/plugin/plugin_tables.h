/* State-table stubs. vigil does not share tables with plugins yet, but the ABI requires the host
 * to hand every plugin working vtables (never NULL: 3.0-era plugins call the by-value ones, C++
 * SDK plugins dereference `tables` even when they are source-only). Every stub answers "no
 * table": list → 0 tables, get/add → NULL/FAILURE, readers/writers → empty/FAILURE. */
#ifndef VG_PLUGIN_TABLES_H
#define VG_PLUGIN_TABLES_H

#include <vigil/plugin_api.h>

/* Message a plugin gets from get_owner_last_error after a stub refused a table operation. */
#define VG_PLUGIN_TABLES_UNSUPPORTED "vigil does not share state tables with plugins"

/* Static, process-lifetime stub input for ss_plugin_init_input.tables. */
const ss_plugin_init_tables_input *vg_plugin_tables_init_input(void);
/* Fill the table members of extract/parse inputs with the stubs. */
void vg_plugin_tables_fill_extract(ss_plugin_field_extract_input *in);
void vg_plugin_tables_fill_parse(ss_plugin_event_parse_input *in);

#endif
