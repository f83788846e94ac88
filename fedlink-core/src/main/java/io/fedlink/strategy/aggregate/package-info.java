/**
 * The mathematics every strategy shares, in one place as Flower keeps it in its {@code aggregate} module: the
 * streaming weighted mean (an accumulator fed one update at a time, also what a relay answers upstream with), the
 * update store of the robust aggregators (heap up to a budget, then a memory-mapped temporary file) and their
 * chunked median, trimmed mean, Krum and Bulyan, q-fair aggregation, server-side optimizer steps, clipping and noise
 * for differential privacy, the tensor layout every update of a round must share, and weighted averages of losses and
 * metrics.
 */
package io.fedlink.strategy.aggregate;
