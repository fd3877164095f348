/* SPDX-License-Identifier: MIT */
/*
 * rates: one function per derived figure; see rates.h for the conventions
 * and the SQL that mirrors them.
 */
#include "core/rates.h"

double rate_per_s(uint64_t now, uint64_t before, double dt_s)
{
	if (now < before || !(dt_s > 0))
		return RATE_UNKNOWN;
	return (double)(now - before) / dt_s;
}

double rate_share_pct(uint64_t part_now, uint64_t part_before, uint64_t total_now,
		      uint64_t total_before)
{
	double r = rate_ratio(part_now, part_before, total_now, total_before);

	return r < 0 ? RATE_UNKNOWN : 100.0 * r;
}

double rate_ratio(uint64_t num_now, uint64_t num_before, uint64_t den_now,
		  uint64_t den_before)
{
	if (num_now < num_before || den_now <= den_before)
		return RATE_UNKNOWN;
	return (double)(num_now - num_before) / (double)(den_now - den_before);
}

double rate_core_pct(uint64_t ticks_now, uint64_t ticks_before, long clk_tck, double dt_s)
{
	double r = rate_per_s(ticks_now, ticks_before, dt_s);

	return r < 0 || clk_tck <= 0 ? RATE_UNKNOWN : r * 100.0 / (double)clk_tck;
}

double rate_ticks_ms_per_s(uint64_t ticks_now, uint64_t ticks_before, long clk_tck,
			   double dt_s)
{
	double r = rate_per_s(ticks_now, ticks_before, dt_s);

	return r < 0 || clk_tck <= 0 ? RATE_UNKNOWN : r * 1000.0 / (double)clk_tck;
}

void rate_sched(uint64_t run_ns, uint64_t delay_ns, uint64_t slices, uint64_t prev_run_ns,
		uint64_t prev_delay_ns, uint64_t prev_slices, double dt_s,
		struct sched_rates *out)
{
	double per_s = rate_per_s(delay_ns, prev_delay_ns, dt_s);
	double per_slice = rate_ratio(delay_ns, prev_delay_ns, slices, prev_slices);

	/* runnable time is the time run plus the time waited */
	out->wait_share_pct = rate_share_pct(delay_ns, prev_delay_ns, delay_ns + run_ns,
					     prev_delay_ns + prev_run_ns);
	out->wait_ms_per_s = per_s < 0 ? RATE_UNKNOWN : per_s / 1e6;
	out->wait_us_per_slice = per_slice < 0 ? RATE_UNKNOWN : per_slice / 1e3;
}
