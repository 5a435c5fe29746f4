#include "plugin/plugin_tables.h"

#include <stddef.h>

static ss_plugin_table_info *vg_plugin_tables_list(ss_plugin_owner_t *o, uint32_t *ntables)
{
	*ntables = 0;
	return NULL;
}

static ss_plugin_table_t *vg_plugin_tables_get(ss_plugin_owner_t *o, const char *name, ss_plugin_state_type key_type)
{
	return NULL;
}

static ss_plugin_rc vg_plugin_tables_add(ss_plugin_owner_t *o, const ss_plugin_table_input *in)
{
	return SS_PLUGIN_FAILURE;
}

static const ss_plugin_table_fieldinfo *vg_plugin_tables_list_fields(ss_plugin_table_t *t, uint32_t *nfields)
{
	*nfields = 0;
	return NULL;
}

static ss_plugin_table_field_t *vg_plugin_tables_field(ss_plugin_table_t *t, const char *name,
						      ss_plugin_state_type data_type)
{
	return NULL;
}

static const char *vg_plugin_tables_name(ss_plugin_table_t *t)
{
	return "";
}

static uint64_t vg_plugin_tables_size(ss_plugin_table_t *t)
{
	return 0;
}

static ss_plugin_table_entry_t *vg_plugin_tables_entry(ss_plugin_table_t *t, const ss_plugin_state_data *key)
{
	return NULL;
}

static ss_plugin_rc vg_plugin_tables_read(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
					  const ss_plugin_table_field_t *f, ss_plugin_state_data *out)
{
	return SS_PLUGIN_FAILURE;
}

static void vg_plugin_tables_release(ss_plugin_table_t *t, ss_plugin_table_entry_t *e)
{
}

static ss_plugin_bool vg_plugin_tables_iterate(ss_plugin_table_t *t, ss_plugin_table_iterator_func_t it,
					       ss_plugin_table_iterator_state_t *s)
{
	return 0;
}

static ss_plugin_rc vg_plugin_tables_clear(ss_plugin_table_t *t)
{
	return SS_PLUGIN_FAILURE;
}

static ss_plugin_rc vg_plugin_tables_erase(ss_plugin_table_t *t, const ss_plugin_state_data *key)
{
	return SS_PLUGIN_FAILURE;
}

static ss_plugin_table_entry_t *vg_plugin_tables_create(ss_plugin_table_t *t)
{
	return NULL;
}

static void vg_plugin_tables_destroy(ss_plugin_table_t *t, ss_plugin_table_entry_t *e)
{
}

static ss_plugin_table_entry_t *vg_plugin_tables_add_entry(ss_plugin_table_t *t, const ss_plugin_state_data *key,
							   ss_plugin_table_entry_t *entry)
{
	return NULL;
}

static ss_plugin_rc vg_plugin_tables_write(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
					   const ss_plugin_table_field_t *f, const ss_plugin_state_data *in)
{
	return SS_PLUGIN_FAILURE;
}

#define VG_PLUGIN_TABLES_READER                                                                           \
	.get_table_name = vg_plugin_tables_name, .get_table_size = vg_plugin_tables_size,                \
	.get_table_entry = vg_plugin_tables_entry, .read_entry_field = vg_plugin_tables_read
#define VG_PLUGIN_TABLES_WRITER                                                                           \
	.clear_table = vg_plugin_tables_clear, .erase_table_entry = vg_plugin_tables_erase,              \
	.create_table_entry = vg_plugin_tables_create, .destroy_table_entry = vg_plugin_tables_destroy,  \
	.add_table_entry = vg_plugin_tables_add_entry, .write_entry_field = vg_plugin_tables_write
#define VG_PLUGIN_TABLES_FIELDS                                                                           \
	.list_table_fields = vg_plugin_tables_list_fields, .get_table_field = vg_plugin_tables_field,    \
	.add_table_field = vg_plugin_tables_field

/* The ABI types these as non-const pointers; nothing writes through them. */
static ss_plugin_table_reader_vtable_ext vg_plugin_tables_reader_ext = {
	VG_PLUGIN_TABLES_READER, .release_table_entry = vg_plugin_tables_release,
	.iterate_entries = vg_plugin_tables_iterate};
static ss_plugin_table_writer_vtable_ext vg_plugin_tables_writer_ext = {VG_PLUGIN_TABLES_WRITER};
static ss_plugin_table_fields_vtable_ext vg_plugin_tables_fields_ext = {VG_PLUGIN_TABLES_FIELDS};

static const ss_plugin_init_tables_input vg_plugin_tables_input = {
	.list_tables = vg_plugin_tables_list,
	.get_table = vg_plugin_tables_get,
	.add_table = vg_plugin_tables_add,
	.fields = {VG_PLUGIN_TABLES_FIELDS},
	.fields_ext = &vg_plugin_tables_fields_ext,
	.reader_ext = &vg_plugin_tables_reader_ext,
	.writer_ext = &vg_plugin_tables_writer_ext,
};

const ss_plugin_init_tables_input *vg_plugin_tables_init_input(void)
{
	return &vg_plugin_tables_input;
}

void vg_plugin_tables_fill_extract(ss_plugin_field_extract_input *in)
{
	in->table_reader = (ss_plugin_table_reader_vtable){VG_PLUGIN_TABLES_READER};
	in->table_reader_ext = &vg_plugin_tables_reader_ext;
}

void vg_plugin_tables_fill_parse(ss_plugin_event_parse_input *in)
{
	in->table_reader = (ss_plugin_table_reader_vtable){VG_PLUGIN_TABLES_READER};
	in->table_writer = (ss_plugin_table_writer_vtable){VG_PLUGIN_TABLES_WRITER};
	in->table_reader_ext = &vg_plugin_tables_reader_ext;
	in->table_writer_ext = &vg_plugin_tables_writer_ext;
}
