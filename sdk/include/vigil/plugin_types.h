/* Compatibility name: upstream Falco splits its plugin API into plugin_types.h and plugin_api.h;
 * vigil keeps everything in plugin_api.h. Sources written for Falco that include either name
 * compile unchanged with `pkg-config --cflags vigil-plugin` (which also adds include/vigil). */
#ifndef VIGIL_PLUGIN_TYPES_H
#define VIGIL_PLUGIN_TYPES_H
#include "plugin_api.h"
#endif
