/* SPDX-License-Identifier: MIT */
/* model: the model's one release (see model.h); views never change it. */
#include "views/model.h"

#include "analysis/profile.h"

#include <stdlib.h>
#include <string.h>

static void series_free(struct ui_series *s)
{
	free(s->v);
}

void ui_model_release(struct ui_model *m)
{
	struct ui_series *series[] = {
		&m->hist.cpu,	 &m->hist.mem,	&m->hist.tcpu,	&m->hist.trss,
		&m->hist.twait,	 &m->hist.tp99, &m->hist.tanon, &m->hist.tfloor,
		&m->hist.region, &m->hist.tio,
	};

	frame_unref(m->cur);
	frame_unref(m->prev);
	frame_unref(m->target_last);
	frame_unref(m->threads);
	frame_unref(m->threads_prev);
	for (size_t i = 0; i < sizeof(series) / sizeof(series[0]); i++)
		series_free(series[i]);
	free(m->hist.tgc.v);
	free(m->alert_states);
	free(m->alert_recent);
	free(m->alert_folds);
	free(m->notices);
	free(m->timers_window);
	free(m->timers_tick);
	free(m->app_values);
	free(m->readings);
	free(m->gc_events);
	profile_free(m->profile);
	free(m->profiles);
	memset(m, 0, sizeof(*m));
}
